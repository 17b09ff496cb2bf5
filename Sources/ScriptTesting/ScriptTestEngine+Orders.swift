import Books
import Engine
import EngineCore
import Foundation
import Scripting
import Storage

extension ScriptTestEngine {
    /// A listed good of `streamer`'s (reviewed as the route reviews it); answers its id.
    func goods(streamer: String, _ t: LuaTable) async throws -> Int64 {
        let edit = GoodsEdit(
            title: t.fields["title"]?.string ?? "Help me play", game: t.fields["game"]?.string ?? "game",
            region: t.fields["region"]?.string ?? "any", priceTickets: t.fields["price_tickets"]?.integer ?? 0,
            details: t.fields["details"]?.string ?? "", stock: t.fields["stock"]?.integer)
        return try await GoodsCatalog(store: SQLiteGoodsStore(store), clock: clock).create(streamer: streamer, edit).id
    }

    /// `viewer` orders `goods` as `POST /v1/orders` does, then the consumers catch up.
    func order(viewer: String, goods: Int64) async throws -> (LuaValue, [ParkedEvent]) {
        let r = try await orders.create(viewer: viewer, NewOrder(goodsID: goods, idempotencyKey: "test-\(serial())"))
        return (try Self.lua(r.order), try await settle())
    }

    /// `user` runs `action` on order `id` as the action route does (the order's viewer or
    /// streamer acts as such; anyone else as an operator), then the consumers catch up.
    func orderAction(id: Int64, action: String, user: String) async throws -> (LuaValue, [ParkedEvent]) {
        let caller = Principal(userID: user, role: .operator, expiresAtSeconds: Int64.max)
        let r = try await orders.act(orderID: id, action: action, caller: caller, OrderActionRequest(idempotencyKey: "test-\(serial())"))
        return (try Self.lua(r.order), try await settle())
    }

    /// Order `id` as its viewer reads it now (due timeouts fire first), then the consumers catch up.
    func order(id: Int64) async throws -> (LuaValue, [ParkedEvent]) {
        let order = try await orders.order(id: id, caller: Principal(userID: "script-test", role: .operator, expiresAtSeconds: Int64.max))
        return (try Self.lua(order), try await settle())
    }

    static func lua(_ value: some Encodable) throws -> LuaValue {
        try LuaValue(json: String(decoding: try JSONEncoder.sorted.encode(value), as: UTF8.self))
    }
}
