import Engine
import EngineCore
import Foundation
import HTTPTypes
import Hummingbird

/// The signed partner API for mini-games, public on the root router (no token): every request
/// carries `X-Partner-Id`, `X-Timestamp`, `X-Nonce` and `X-Signature` (`PartnerSignature`), and
/// is authenticated before its body is read as JSON.
/// - `POST /v1/partner/orders` `{partner_order_id, user_id, amount_coins, memo?, room_id?}`: debit a user's
///   coins (with a room, its streamer receives the partner's `streamer_share_bp` as revenue);
/// - `POST /v1/partner/orders/{partner_order_id}/refunds` `{refund_id, amount_coins}`;
/// - `GET /v1/partner/orders/{partner_order_id}`: the order, its refunds and its state;
/// - `POST /v1/partner/messages` `{to_user | to_room, text}`: a notice to a user's or a room's sockets;
/// - `GET /v1/partner/statements/{date}`: the day's debits and refunds as CSV.
struct PartnerRoutes: RouteArea {
    let partners: PartnerAPI

    static let partnerHeader = HTTPField.Name("X-Partner-Id")!
    static let timestampHeader = HTTPField.Name("X-Timestamp")!
    static let nonceHeader = HTTPField.Name("X-Nonce")!
    static let signatureHeader = HTTPField.Name("X-Signature")!

    func addRoutes(to routes: AppRoutes) {
        routes.root.post("v1/partner/orders") { [partners] request, context in
            let (partner, body) = try await Self.authenticate(request, context: context, partners.registry)
            let debit = try StrictJSON.decode(PartnerDebitBody.self, from: Data(body))
            return try JSONBody.response(
                try await partners.orders.debit(
                    partner: partner, orderID: debit.partnerOrderID, userID: debit.userID, amountCoins: debit.amountCoins, memo: debit.memo,
                    roomID: debit.roomID))
        }
        routes.root.post("v1/partner/orders/:partner_order_id/refunds") { [partners] request, context in
            let (partner, body) = try await Self.authenticate(request, context: context, partners.registry)
            let orderID = try context.parameters.require("partner_order_id")
            let refund = try StrictJSON.decode(PartnerRefundBody.self, from: Data(body))
            return try JSONBody.response(
                try await partners.orders.refund(partner: partner, orderID: orderID, refundID: refund.refundID, amountCoins: refund.amountCoins))
        }
        routes.root.get("v1/partner/orders/:partner_order_id") { [partners] request, context in
            let (partner, _) = try await Self.authenticate(request, context: context, partners.registry)
            let orderID = try context.parameters.require("partner_order_id")
            return try JSONBody.response(try await partners.orders.order(partner: partner, orderID: orderID))
        }
        routes.root.post("v1/partner/messages") { [partners] request, context in
            let (partner, body) = try await Self.authenticate(request, context: context, partners.registry)
            let message = try StrictJSON.decode(PartnerMessageBody.self, from: Data(body))
            return try JSONBody.response(
                try await partners.messages.send(partner: partner, toUser: message.toUser, toRoom: message.toRoom, text: message.text))
        }
        routes.root.get("v1/partner/statements/:date") { [partners] request, context in
            let (partner, _) = try await Self.authenticate(request, context: context, partners.registry)
            let statement = try await partners.statements.statement(partner: partner, date: try context.parameters.require("date"))
            var headers = HTTPFields()
            headers[.contentType] = "text/csv; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: statement.csv)))
        }
    }

    /// Reads the body (bounded) and authenticates the request over it.
    /// - Returns: the partner's id and the body's bytes.
    /// - Throws: `RequestError` 413 `payload_too_large`; `PartnerError` (401, or 409 `nonce_reused`).
    static func authenticate(_ request: Request, context: AppRequestContext, _ registry: Partners) async throws -> (String, [UInt8]) {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.requestBodyBytesMax)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw RequestError.payloadTooLarge(bodyBytesMax: context.requestBodyBytesMax)
        }
        let body = Array(buffer.readableBytesView)
        let signed = try PartnerSignedRequest(
            method: request.method.rawValue, pathWithQuery: request.head.path ?? request.uri.description, body: body,
            partnerID: request.headers[partnerHeader], timestamp: request.headers[timestampHeader], nonce: request.headers[nonceHeader],
            signature: request.headers[signatureHeader])
        return (try await registry.authenticate(signed), body)
    }
}
