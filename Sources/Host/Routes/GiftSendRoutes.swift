import Books
import Engine
import EngineCore
import Hummingbird
import Rooms

/// Sending gifts (viewers) and refunding them (operators).
struct GiftSendRoutes: RouteArea {
    let sender: GiftSender
    let resolver: RoomResolver
    let refunds: GiftRefunds

    /// Read in the strict reader's one pass (`FlatStrictDecodable`).
    struct Send: FlatStrictDecodable {
        static let allowedKeys: Set<String> = ["gift_id", "count", "idempotency_key"]
        let giftID: String
        let count: Int64
        let idempotencyKey: String
        enum CodingKeys: String, CodingKey {
            case count
            case giftID = "gift_id"
            case idempotencyKey = "idempotency_key"
        }

        /// Read in `CodingKeys` order, so a body missing several fields names the same one
        /// first as the decoder did.
        init(fields: FlatFields) throws(RequestError) {
            count = try fields.integer("count")
            giftID = try fields.string("gift_id")
            idempotencyKey = try fields.string("idempotency_key")
        }
    }

    struct Refund: StrictDecodable {
        static let allowedKeys: Set<String> = ["reason"]
        let reason: String
    }

    func addRoutes(to routes: AppRoutes) {
        routes.authenticated.post("rooms/:room/gifts") { request, context in
            let me = try context.requirePrincipal()
            let room = try await resolver.resolve(try context.parameters.require("room"))
            let s = try await request.decodeStrict(as: Send.self, context: context)
            let sent = try await sender.sendText(GiftSendRequest(
                roomID: room.id, senderID: me.userID, giftID: s.giftID, count: s.count, idempotencyKey: s.idempotencyKey))
            return JSONBody.response(jsonText: sent.jsonText)
        }
        routes.staff.post("gift-sends/:offset/refund") { request, context in
            let me = try context.requirePrincipal()
            guard let offset = Int64(try context.parameters.require("offset")) else {
                throw RequestError("invalid_path", .badRequest, "gift sends are named by their journal offset (an integer)")
            }
            let r = try await request.decodeStrict(as: Refund.self, context: context)
            return try JSONBody.response(try await refunds.refund(offset: offset, reason: r.reason, by: me.userID))
        }
    }
}
