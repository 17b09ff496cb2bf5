@testable import Books
import Engine
import EngineTesting
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Host
@testable import Rooms

/// A host with one registered partner (`games`), a room `r1`, seeded coins and a manual clock,
/// and a client that signs partner requests as a partner would.
struct PartnerHost {
    static let partner = "games"
    static let secret = String(repeating: "g", count: 40)

    let engine: EngineHost
    let clock: ManualClock

    init(coins: [String: Int64] = ["v1": 1_000]) async throws {
        clock = ManualClock()
        engine = try await EngineHost(clock: clock)
        _ = try await engine.engine.rooms.create(NewRoom(id: "r1", streamerID: "s1", title: "Room", category: "chat"))
        for (user, amount) in coins {
            _ = try await engine.engine.ledger.transfer([TransferRequest(
                id: "seed:\(user)", debit: .system(.promotions, "coins"), credit: .user(user, "coins"), asset: "coins", amount: amount,
                code: "seed")])
        }
        _ = try await engine.engine.partners.registry.register(id: Self.partner, secret: Self.secret, name: "Games", by: "ops")
    }

    /// The signing headers of a request, as a partner computes them.
    func headers(
        _ method: HTTPRequest.Method, _ path: String, body: String = "", nonce: String = UUID().uuidString, timestamp: String? = nil,
        secret: String = PartnerHost.secret, partner: String = PartnerHost.partner
    ) -> HTTPFields {
        let timestamp = timestamp ?? String(clock.nowMillis() / 1000)
        let signature = PartnerSignature.sign(
            secret: secret, method: method.rawValue, pathWithQuery: path, timestamp: timestamp, nonce: nonce, body: Array(body.utf8))
        return [
            HTTPField.Name("X-Partner-Id")!: partner, HTTPField.Name("X-Timestamp")!: timestamp, HTTPField.Name("X-Nonce")!: nonce,
            HTTPField.Name("X-Signature")!: signature, .contentType: "application/json",
        ]
    }

    /// Sends a correctly signed request.
    func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, body: String = "", nonce: String = UUID().uuidString)
        async throws -> TestResponse
    {
        try await client.execute(
            uri: path, method: method, headers: headers(method, path, body: body, nonce: nonce), body: body.isEmpty ? nil : jsonBody(body))
    }

    func test<Value>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await engine.test(body)
    }

    /// The user's coins and the partner clearing account's, to check that nothing moved.
    func coins(_ user: String = "v1") async throws -> (user: Int64, clearing: Int64) {
        (try await engine.engine.ledger.balances(user: user)["coins"] ?? 0,
         try await engine.engine.ledger.balance(.system(.partnerClearing, "coins")))
    }

    /// Rows of a partner table.
    func count(_ table: String) async throws -> Int {
        try await engine.engine.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    /// Journal facts of `type`.
    func facts(_ type: String) async throws -> [String] {
        try await engine.engine.store.read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM journal WHERE type = ? ORDER BY offset", arguments: [type])
        }
    }
}

func debitBody(_ order: String = "o1", user: String = "v1", amount: Int64 = 300, memo: String? = nil) -> String {
    let memoField = memo.map { #","memo":"\#($0)""# } ?? ""
    return #"{"partner_order_id":"\#(order)","user_id":"\#(user)","amount_coins":\#(amount)\#(memoField)}"#
}

func refundBody(_ refund: String, amount: Int64) -> String {
    #"{"refund_id":"\#(refund)","amount_coins":\#(amount)}"#
}
