import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import Synchronization
import Testing
@testable import Host

/// `moneyHost`'s engine with the realtime rooms wired as `serve` wires them: gifts on the
/// room socket, and a token clock a test can move.
struct GiftSocketHost {
    let money: EngineHost
    let host: TestHost
    let clock = TokenClock()

    init(coins: [String: Int64] = ["v1": 1_000]) async throws {
        money = try await moneyHost(coins: coins)
        let engine = money.engine
        let clock = self.clock
        let realtime = try await Realtime.make(
            moderation: engine.moderationStore, journal: engine.journalStore, resolver: engine.resolver, signer: money.host.signer, now: { clock.now },
            metrics: money.host.services.metricsFactory, bus: engine.bus, scripts: engine.scripts,
            gifts: engine.giftSender, profiles: engine.profiles)
        var host = try TestHost(areas: engine.routeAreas + [realtime.routes], httpServer: realtime.httpServer)
        let profiles = engine.profiles
        host.onPrincipal = { principal in try await profiles.ensure(userID: principal.userID) }
        self.host = host
    }

    @discardableResult
    func live<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        defer { money.folder.remove() }
        return try await buildApplication(host.config, services: host.services).test(.live, body)
    }

    func token(_ user: String, _ role: Role = .viewer, ttlSeconds: Int64 = 3600) throws -> String {
        try money.host.token(role, user: user, ttlSeconds: ttlSeconds)
    }

    func coins(_ user: String) async throws -> Int64 { try await money.engine.ledger.balances(user: user)["coins"] ?? 0 }

    /// Gift facts in the journal.
    func giftFacts() async throws -> Int {
        try await money.engine.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE type = 'gift'") ?? 0 }
    }
}

/// The token clock of a `GiftSocketHost`.
final class TokenClock: Sendable {
    private let value = Mutex(testNow)
    var now: Date {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// A `gift` client frame.
func giftFrame(_ gift: String = "rose", count: Int64 = 1, key: String) -> WebSocketOutboundWriter.OutboundFrame {
    .text(#"{"type":"gift","gift_id":"\#(gift)","count":\#(count),"idempotency_key":"\#(key)"}"#)
}

@Suite("Gifts on the room socket")
struct GiftSocketTests {
    @Test("a gift frame is answered with the receipt the HTTP route gives for the same key, once charged")
    func receiptMatchesHTTP() async throws {
        let g = try await GiftSocketHost()
        let v = try g.token("v1")
        let inbox = Inbox()
        let http = try await g.live { client in
            try await client.session("/v1/rooms/r1/ws?token=\(v)", inbox: inbox) { out in
                try await out.write(giftFrame(count: 3, key: "a"))
                try await inbox.wait("receipt") { $0.all("gift_receipt").count == 1 }
                // The same key again, on the socket: the same receipt, no second charge.
                try await out.write(giftFrame(count: 3, key: "a"))
                try await inbox.wait("second receipt") { $0.all("gift_receipt").count == 2 }
            }
            // And over HTTP: the same key is the same send.
            return try await client.execute(uri: "/v1/rooms/r1/gifts", method: .post, headers: bearer(v), body: send(count: 3, key: "a"))
        }
        #expect(http.status == .ok)
        let frames = inbox.texts("gift_receipt")
        #expect(frames.count == 2 && frames[0] == frames[1])
        let expected = #"{"idempotency_key":"a","receipt":"# + String(buffer: http.body) + #","type":"gift_receipt"}"#
        #expect(frames.first == expected)
        let receipt = try JSONSerialization.jsonObject(with: Data(frames[0].utf8)) as? [String: Any]
        #expect((receipt?["receipt"] as? [String: Any])?["balance_coins"] as? Int == 970)
        #expect(try await g.coins("v1") == 970)
        #expect(try await g.giftFacts() == 1)
        #expect(inbox.all("error").isEmpty)
    }

    @Test("gifts written back to back are each answered, in order")
    func backToBack() async throws {
        let g = try await GiftSocketHost()
        let inbox = Inbox()
        try await g.live { client in
            try await client.session("/v1/rooms/r1/ws?token=\(try g.token("v1"))", inbox: inbox) { out in
                for i in 1...8 { try await out.write(giftFrame(key: "k\(i)")) }
                try await inbox.wait("receipts") { $0.all("gift_receipt").count == 8 }
            }
        }
        #expect(inbox.all("gift_receipt").compactMap(\.idempotency_key) == (1...8).map { "k\($0)" })
        #expect(try await g.coins("v1") == 920)
        #expect(try await g.giftFacts() == 8)
    }

    @Test("more messages than are kept while one is sent (reading pauses, then goes on): each answered once, in order")
    func beyondTheWaitingQueue() async throws {
        let g = try await GiftSocketHost()
        let inbox = Inbox()
        let n = 3 * RealtimeLimits().waitingMessagesMax + 5
        try await g.live { client in
            try await client.session("/v1/rooms/r1/ws?token=\(try g.token("v1"))", inbox: inbox) { out in
                for i in 1...n { try await out.write(giftFrame(key: "q\(i)")) }
                try await inbox.wait("receipts") { $0.all("gift_receipt").count == n }
            }
        }
        #expect(inbox.all("gift_receipt").compactMap(\.idempotency_key) == (1...n).map { "q\($0)" })
        #expect(inbox.all("gift_error").isEmpty)
        #expect(try await g.coins("v1") == 1_000 - 10 * Int64(n))
        #expect(try await g.giftFacts() == n)
    }

    static let refusals: [(frame: String, code: String, status: Int)] = [
        (#"{"type":"gift","gift_id":"nope","count":1,"idempotency_key":"x1"}"#, "gift_not_found", 404),
        (#"{"type":"gift","gift_id":"rose","count":0,"idempotency_key":"x2"}"#, "invalid_count", 400),
        (#"{"type":"gift","gift_id":"rose","count":-1,"idempotency_key":"x3"}"#, "invalid_count", 400),
        (#"{"type":"gift","gift_id":"rose","count":101,"idempotency_key":"x4"}"#, "invalid_count", 400),
        (#"{"type":"gift","gift_id":"rose","count":9223372036854775807,"idempotency_key":"x5"}"#, "invalid_count", 400),
        (#"{"type":"gift","gift_id":"box","count":11,"idempotency_key":"x6"}"#, "insufficient_funds", 422),
        (#"{"type":"gift","gift_id":"rose","count":1,"idempotency_key":""}"#, "invalid_idempotency_key", 400),
        (#"{"type":"gift","gift_id":"rose","count":1,"idempotency_key":"has space"}"#, "invalid_idempotency_key", 400),
        (#"{"type":"gift","gift_id":"rose","count":1,"idempotency_key":"caf\u00e9"}"#, "invalid_idempotency_key", 400),
        // A stored refusal answers its key again; another body under it conflicts.
        (#"{"type":"gift","gift_id":"nope","count":1,"idempotency_key":"x1"}"#, "gift_not_found", 404),
        (#"{"type":"gift","gift_id":"rose","count":1,"idempotency_key":"x1"}"#, "idempotency_conflict", 409),
    ]

    @Test("a refused gift is a gift_error with the HTTP route's code and status; nothing moves; not a violation")
    func refusals() async throws {
        let g = try await GiftSocketHost()
        let inbox = Inbox()
        try await g.live { client in
            try await client.session("/v1/rooms/r1/ws?token=\(try g.token("v1"))", inbox: inbox) { out in
                for r in Self.refusals { try await out.write(.text(r.frame)) }
                try await inbox.wait("errors") { $0.all("gift_error").count == Self.refusals.count }
                // Eleven refusals, and the connection still sends (five violations would close it),
                // under a key the frame's JSON escapes.
                try await out.write(.text(#"{"type":"gift","gift_id":"rose","count":1,"idempotency_key":"q\"uote"}"#))
                try await inbox.wait("receipt") { $0.all("gift_receipt").count == 1 }
                // A key reused with another body conflicts, as over HTTP.
                try await out.write(.text(#"{"type":"gift","gift_id":"rose","count":2,"idempotency_key":"q\"uote"}"#))
                try await inbox.wait("conflict") { $0.all("gift_error").count == Self.refusals.count + 1 }
            }
        }
        let errors = inbox.all("gift_error")
        #expect(errors.map { "\($0.code ?? "")/\($0.status ?? 0)" }
            == Self.refusals.map { "\($0.code)/\($0.status)" } + ["idempotency_conflict/409"])
        #expect(errors.map { $0.idempotency_key ?? "-" }
            == ["x1", "x2", "x3", "x4", "x5", "x6", "", "has space", "caf\u{e9}", "x1", "x1", "q\"uote"])
        #expect(inbox.all("gift_receipt").map(\.idempotency_key) == ["q\"uote"])
        #expect(inbox.all("error").isEmpty)
        #expect(try await g.coins("v1") == 990)
        #expect(try await g.giftFacts() == 1)
    }

    @Test(
        "a gift frame with a missing, mistyped or unknown field is an invalid_frame violation",
        arguments: [
            #"{"type":"gift","gift_id":"rose","count":1}"#,
            #"{"type":"gift","gift_id":"rose","count":"1","idempotency_key":"x"}"#,
            #"{"type":"gift","gift_id":"rose","count":1.5,"idempotency_key":"x"}"#,
            #"{"type":"gift","gift_id":"rose","count":99999999999999999999,"idempotency_key":"x"}"#,
            #"{"type":"gift","gift_id":7,"count":1,"idempotency_key":"x"}"#,
            #"{"type":"gift","gift_id":"rose","count":1,"idempotency_key":null}"#,
            #"{"type":"gift","gift_id":"rose","count":1,"idempotency_key":"x","room":"r2"}"#,
        ])
    func badFrames(_ frame: String) async throws {
        let g = try await GiftSocketHost()
        let inbox = Inbox()
        try await g.live { client in
            try await client.session("/v1/rooms/r1/ws?token=\(try g.token("v1"))", inbox: inbox) { out in
                try await out.write(.text(frame))
                try await inbox.wait("error") { !$0.all("error").isEmpty }
            }
        }
        #expect(inbox.all("error").map(\.code) == ["invalid_frame"])
        #expect(inbox.all("gift_error").isEmpty && inbox.all("gift_receipt").isEmpty)
        #expect(try await g.coins("v1") == 1_000)
    }

    @Test("anonymous watchers, streamers in their own room and expired tokens are refused; nothing moves")
    func whoMaySend() async throws {
        let g = try await GiftSocketHost(coins: ["v1": 1_000, "s1": 1_000])
        let (anonymous, streamer, late) = (Inbox(), Inbox(), Inbox())
        try await g.live { client in
            try await client.session("/v1/rooms/r1/ws", inbox: anonymous) { out in
                try await out.write(giftFrame(key: "a"))
                try await anonymous.wait("error") { !$0.all("gift_error").isEmpty }
            }
            try await client.session("/v1/rooms/r1/ws?token=\(try g.token("s1", .streamer))", inbox: streamer) { out in
                try await out.write(giftFrame(key: "b"))
                try await streamer.wait("error") { !$0.all("gift_error").isEmpty }
            }
            // Valid at the upgrade, expired at the gift: money waits for a valid token.
            try await client.session("/v1/rooms/r1/ws?token=\(try g.token("v1", ttlSeconds: 60))", inbox: late) { out in
                g.clock.now = testNow.addingTimeInterval(60)
                try await out.write(giftFrame(key: "c"))
                try await late.wait("error") { !$0.all("gift_error").isEmpty }
            }
        }
        #expect(anonymous.all("gift_error").map { "\($0.code ?? "")/\($0.status ?? 0)" } == ["missing_token/401"])
        #expect(streamer.all("gift_error").map { "\($0.code ?? "")/\($0.status ?? 0)" } == ["gift_to_self/400"])
        #expect(late.all("gift_error").map { "\($0.code ?? "")/\($0.status ?? 0)" } == ["token_expired/401"])
        #expect(try await g.coins("v1") == 1_000)
        #expect(try await g.coins("s1") == 1_000)
        #expect(try await g.giftFacts() == 0)
    }

    @Test("a server whose rooms were wired without gifts refuses gift frames as unavailable")
    func withoutGifts() async throws {
        let rt = try await RealtimeHost()
        let inbox = Inbox()
        _ = try await rt.live { client in
            try await client.session("/v1/rooms/r1/ws?token=\(try rt.token("v1"))", inbox: inbox) { out in
                try await out.write(giftFrame(key: "a"))
                try await inbox.wait("error") { !$0.all("gift_error").isEmpty }
            }
        }
        #expect(inbox.all("gift_error").map { "\($0.code ?? "")/\($0.status ?? 0)" } == ["unavailable/503"])
    }
}
