@testable import Books
import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Host

@Suite("Two-phase transfers over HTTP")
struct AdminPendingRoutesTests {
    struct Status: Decodable {
        let pending: Transfer
        let state: String
        let closedBy: Transfer?
    }

    /// Decodes an answer whose keys are snake_case, as the routes write them (keys ending in
    /// `ID` come back as `Id` and stay nil: compare those in the text).
    static func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: Data(response.body.readableBytesView))
    }

    /// A host on a manual clock with 1,000 coins for v1.
    func host(_ clock: ManualClock = ManualClock()) async throws -> EngineHost {
        let e = try await EngineHost(clock: clock)
        _ = try await e.engine.ledger.transfer([TransferRequest(id: "seed:v1", debit: .system(.promotions, "coins"),
            credit: .user("v1", "coins"), asset: "coins", amount: 1_000, code: "seed")])
        return e
    }

    static func hold(key: String = "h1", amount: Int64 = 300, timeout: Int64 = 60_000, asset: String = "coins") -> String {
        #"{"debit":"user:v1:coins","credit":"user:s1:coins","asset":"\#(asset)","amount":\#(amount),"timeout_millis":\#(timeout),"reason":"escrow","idempotency_key":"\#(key)"}"#
    }

    func post(_ client: some TestClientProtocol, _ token: String, _ uri: String, _ body: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: bearer(token), body: jsonBody(body))
    }

    @Test("create, read, post part of it; replays answer the first result; a reused key with another body is 409")
    func createAndPost() async throws {
        let e = try await host()
        let op = try e.token(.operator, user: "ops")
        try await e.test { client in
            let created = try await post(client, op, "/v1/admin/pending-transfers", Self.hold())
            #expect(created.status == .created)
            let pending = try Self.decode(Transfer.self, created)
            #expect(pending.id == "admin-pending:h1" && pending.kind == .pending && pending.amount == 300)
            #expect(try await post(client, op, "/v1/admin/pending-transfers", Self.hold()).text == created.text)
            let reused = try await post(client, op, "/v1/admin/pending-transfers", Self.hold(amount: 301))
            #expect(reused.status == .conflict)
            #expect(try reused.json(ErrorBody.self).error == "idempotency_conflict")
            #expect(try await e.engine.ledger.available(.user("v1", "coins")) == 700)

            let open = try await client.execute(uri: "/v1/admin/pending-transfers/admin-pending:h1", method: .get, headers: bearer(op))
            #expect(open.status == .ok)
            let status = try Self.decode(Status.self, open)
            #expect(status.state == "open" && status.closedBy == nil && status.pending == pending)

            let posting = #"{"amount":200,"reason":"delivered","idempotency_key":"p1"}"#
            let posted = try await post(client, op, "/v1/admin/pending-transfers/admin-pending:h1/post", posting)
            #expect(posted.status == .created)
            let postRow = try Self.decode(Transfer.self, posted)
            #expect(postRow.kind == .post && postRow.amount == 200 && posted.text.contains(#""pending_id":"admin-pending:h1""#))
            #expect(try await post(client, op, "/v1/admin/pending-transfers/admin-pending:h1/post", posting).text == posted.text)

            let closed = try await client.execute(uri: "/v1/admin/pending-transfers/admin-pending:h1", method: .get, headers: bearer(op))
            let after = try Self.decode(Status.self, closed)
            #expect(after.state == "posted" && after.closedBy == postRow)

            let again = try await post(client, op, "/v1/admin/pending-transfers/admin-pending:h1/post", #"{"reason":"x","idempotency_key":"p2"}"#)
            #expect(again.status == .conflict)
            #expect(try again.json(ErrorBody.self).error == "pending_already_closed")
            let void = try await post(client, op, "/v1/admin/pending-transfers/admin-pending:h1/void", #"{"reason":"x","idempotency_key":"v1"}"#)
            #expect(void.status == .conflict)
            #expect(try void.json(ErrorBody.self).error == "pending_already_closed")
        }
        #expect(try await e.engine.ledger.balances(user: "v1")["coins"] == 800)
        #expect(try await e.engine.ledger.balances(user: "s1")["coins"] == 200)
        #expect(try await e.engine.ledger.available(.user("v1", "coins")) == 800)
        let audit = try await e.engine.store.read { db in
            try String.fetchAll(db, sql: "SELECT type FROM journal WHERE type LIKE 'admin_%' ORDER BY offset")
        }
        #expect(audit == ["admin_pending", "admin_post"])
        #expect(try await e.engine.store.read { db in try Reconciliation().check(db).isClean })
    }

    @Test("void releases the whole reservation; a post after the void is 409")
    func voidThenPost() async throws {
        let e = try await host()
        let op = try e.token(.admin, user: "boss")
        try await e.test { client in
            #expect(try await post(client, op, "/v1/admin/pending-transfers", Self.hold()).status == .created)
            let voided = try await post(client, op, "/v1/admin/pending-transfers/admin-pending:h1/void", #"{"reason":"cancelled","idempotency_key":"v1"}"#)
            #expect(voided.status == .created)
            #expect(try Self.decode(Transfer.self, voided).kind == .void)
            let status = try await client.execute(uri: "/v1/admin/pending-transfers/admin-pending:h1", method: .get, headers: bearer(op))
            #expect(try Self.decode(Status.self, status).state == "voided")
            let late = try await post(client, op, "/v1/admin/pending-transfers/admin-pending:h1/post", #"{"reason":"x","idempotency_key":"p1"}"#)
            #expect(late.status == .conflict)
            #expect(try late.json(ErrorBody.self).error == "pending_already_closed")
        }
        #expect(try await e.engine.ledger.available(.user("v1", "coins")) == 1_000)
        #expect(try await e.engine.ledger.balances(user: "s1")["coins"] == 0)
    }

    @Test("a reservation expires on the ledger's clock: read as expired, post and void are 409, a retried key fails the same")
    func expiry() async throws {
        let clock = ManualClock()
        let e = try await host(clock)
        let op = try e.token(.operator, user: "ops")
        try await e.test { client in
            #expect(try await post(client, op, "/v1/admin/pending-transfers", Self.hold(timeout: 1_000)).status == .created)
            clock.advance(byMillis: 1_001)
            let read = try await client.execute(uri: "/v1/admin/pending-transfers/admin-pending:h1", method: .get, headers: bearer(op))
            #expect(try Self.decode(Status.self, read).state == "expired")
            let posting = #"{"amount":100,"reason":"late","idempotency_key":"p1"}"#
            let late = try await post(client, op, "/v1/admin/pending-transfers/admin-pending:h1/post", posting)
            #expect(late.status == .conflict)
            #expect(try late.json(ErrorBody.self).error == "pending_expired")
            let void = try await post(client, op, "/v1/admin/pending-transfers/admin-pending:h1/void", #"{"reason":"x","idempotency_key":"v1"}"#)
            #expect(void.status == .conflict)
            #expect(try void.json(ErrorBody.self).error == "pending_expired")
            let retried = try await post(client, op, "/v1/admin/pending-transfers/admin-pending:h1/post", posting)
            #expect(retried.status == .conflict)
            #expect(try retried.json(ErrorBody.self) == late.json(ErrorBody.self))
            let closed = try await client.execute(uri: "/v1/admin/pending-transfers/admin-pending:h1", method: .get, headers: bearer(op))
            let status = try Self.decode(Status.self, closed)
            #expect(status.state == "expired" && status.closedBy?.kind == .expire)
        }
        #expect(try await e.engine.ledger.balances(user: "v1")["coins"] == 1_000)
        #expect(try await e.engine.ledger.available(.user("v1", "coins")) == 1_000)
    }

    /// A bad request: method, path, body, expected status and error code.
    struct Bad: Sendable, CustomStringConvertible {
        let name: String
        let path: String
        let body: String?
        let status: Int
        let code: String
        var description: String { name }
    }

    static let bad: [Bad] = [
        Bad(name: "unknown id, read", path: "nope", body: nil, status: 404, code: "pending_not_found"),
        Bad(name: "not a pending transfer, read", path: "seed:v1", body: nil, status: 404, code: "pending_not_found"),
        Bad(name: "unknown id, post", path: "nope/post", body: #"{"reason":"x","idempotency_key":"k"}"#, status: 404, code: "pending_not_found"),
        Bad(name: "unknown id, void", path: "nope/void", body: #"{"reason":"x","idempotency_key":"k"}"#, status: 404, code: "pending_not_found"),
        Bad(name: "post more than pending", path: "admin-pending:h1/post", body: #"{"amount":301,"reason":"x","idempotency_key":"k"}"#,
            status: 422, code: "post_exceeds_pending"),
        Bad(name: "post zero", path: "admin-pending:h1/post", body: #"{"amount":0,"reason":"x","idempotency_key":"k"}"#,
            status: 400, code: "invalid_amount"),
        Bad(name: "wrong asset", path: "", body: hold(key: "k", asset: "tickets"), status: 400, code: "invalid_account"),
        Bad(name: "unknown asset", path: "", body: hold(key: "k", asset: "gold"), status: 400, code: "unknown_asset"),
        Bad(name: "zero amount", path: "", body: hold(key: "k", amount: 0), status: 400, code: "invalid_amount"),
        Bad(name: "more than available", path: "", body: hold(key: "k", amount: 701), status: 422, code: "insufficient_funds"),
        Bad(name: "zero timeout", path: "", body: hold(key: "k", timeout: 0), status: 400, code: "invalid_timeout"),
        Bad(name: "timeout past the maximum", path: "", body: hold(key: "k", timeout: 30 * 24 * 3600 * 1000 + 1), status: 400, code: "invalid_timeout"),
        Bad(name: "malformed account", path: "",
            body: #"{"debit":"v1","credit":"user:s1:coins","asset":"coins","amount":1,"timeout_millis":1000,"reason":"x","idempotency_key":"k"}"#,
            status: 400, code: "invalid_account"),
        Bad(name: "same account", path: "",
            body: #"{"debit":"user:v1:coins","credit":"user:v1:coins","asset":"coins","amount":1,"timeout_millis":1000,"reason":"x","idempotency_key":"k"}"#,
            status: 400, code: "same_account"),
        Bad(name: "empty reason", path: "admin-pending:h1/void", body: #"{"reason":" ","idempotency_key":"k"}"#, status: 400, code: "invalid_reason"),
        Bad(name: "empty key", path: "admin-pending:h1/void", body: #"{"reason":"x","idempotency_key":""}"#, status: 400, code: "invalid_idempotency_key"),
        Bad(name: "key with a space", path: "", body: hold(key: "a b"), status: 400, code: "invalid_idempotency_key"),
        Bad(name: "key too long", path: "admin-pending:h1/post", body: #"{"reason":"x","idempotency_key":"\#(String(repeating: "k", count: 101))"}"#,
            status: 400, code: "invalid_idempotency_key"),
        Bad(name: "malformed JSON", path: "", body: #"{"debit":"#, status: 400, code: "malformed_json"),
        Bad(name: "not an object", path: "admin-pending:h1/post", body: "[]", status: 400, code: "malformed_json"),
        Bad(name: "unknown field", path: "admin-pending:h1/void", body: #"{"reason":"x","idempotency_key":"k","amount":1}"#,
            status: 400, code: "unknown_field"),
        Bad(name: "missing field", path: "admin-pending:h1/post", body: #"{"reason":"x"}"#, status: 400, code: "invalid_field"),
        Bad(name: "amount not an integer", path: "admin-pending:h1/post", body: #"{"amount":"all","reason":"x","idempotency_key":"k"}"#,
            status: 400, code: "invalid_field"),
    ]

    @Test("bad requests are 4xx with a JSON error and change nothing", arguments: bad)
    func badRequests(_ bad: Bad) async throws {
        let e = try await host()
        let op = try e.token(.operator, user: "ops")
        let base = "/v1/admin/pending-transfers"
        try await e.test { client in
            #expect(try await post(client, op, base, Self.hold()).status == .created)
            let uri = bad.path.isEmpty ? base : "\(base)/\(bad.path)"
            let response = if let body = bad.body {
                try await post(client, op, uri, body)
            } else {
                try await client.execute(uri: uri, method: .get, headers: bearer(op))
            }
            #expect(response.status.code == bad.status)
            #expect(try response.json(ErrorBody.self).error == bad.code)
        }
        #expect(try await e.engine.ledger.balances(user: "v1")["coins"] == 1_000)
        #expect(try await e.engine.ledger.available(.user("v1", "coins")) == 700)
        let facts = try await e.engine.store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE type LIKE 'admin_%'")
        }
        #expect(facts == 1)
        #expect(try await e.engine.store.read { db in try Reconciliation().check(db).isClean })
    }

    @Test("viewers and streamers are refused")
    func roles() async throws {
        let e = try await host()
        try await e.test { client in
            for role in [Role.viewer, .streamer] {
                let token = try e.token(role, user: "v1")
                #expect(try await post(client, token, "/v1/admin/pending-transfers", Self.hold()).status == .forbidden)
                let read = try await client.execute(uri: "/v1/admin/pending-transfers/admin-pending:h1", method: .get, headers: bearer(token))
                #expect(read.status == .forbidden)
            }
        }
        #expect(try await e.engine.ledger.available(.user("v1", "coins")) == 1_000)
    }
}
