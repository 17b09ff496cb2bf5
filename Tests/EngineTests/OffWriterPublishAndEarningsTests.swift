@testable import Books
@testable import EngineCore
import EngineTesting
import GRDB
@testable import Rooms
@testable import Storage
import Testing
@testable import Engine

/// The room events and earnings consumers run off the writer (`OffWriterConsumer`): pages are
/// read, published and summed on a read snapshot, and the writer only adds the sums and moves
/// the cursors. Each test runs one journal through both paths and expects the same result.
@Suite("Room events and earnings off the writer")
struct OffWriterPublishAndEarningsTests {
    static func gift(_ i: Int, room: String, streamer: String = "s1", revenue: Int64 = 7, guildShare: Int64 = 0, guild: String? = nil) -> String {
        let guildField = guild.map { #","guild_id":"\#($0)""# } ?? ""
        return """
            {"send_id":"x\(i)","room_id":"\(room)","sender_id":"v1","streamer_id":"\(streamer)","gift_id":"rose","gift_version":1,\
            "count":1,"price_coins":10,"total_coins":10,"streamer_revenue":\(revenue),"guild_share":\(guildShare),"platform_fee":\(10 - revenue - guildShare),\
            "combo":1,"balance_coins":0,"transfer_ids":[],"ledger_time":0\(guildField)}
            """
    }

    /// What a run leaves: each room's published events, the earnings rows, parked entries.
    struct Outcome: Equatable {
        var published: [String: [String]] = [:]
        var earnings: [String] = []
        var parked: [String] = []
    }

    /// Appends `facts` (type, payload) and drains the two consumers, a page of `batchSize` per
    /// transaction, on the writer or off it.
    static func run(_ facts: [(String, String)], offWriter: Bool, batchSize: Int = 3) async throws -> Outcome {
        let db = try TemporaryDatabase()
        let store = try db.openStore()
        let bus = RoomBus()
        let rooms = ["r1", "r2"]
        let start = Dictionary(uniqueKeysWithValues: rooms.map { ($0, bus.position(room: $0)) })
        try await store.write { db in
            for (i, (type, payload)) in facts.enumerated() { _ = try Journal.append(db, type: type, payloadJSON: payload, at: Int64(i + 1) * 1_000) }
        }
        let events = HandlerEvents()
        let runner = ConsumerRunner(
            store: store, consumers: [RoomEventsConsumer(bus: bus, events: events), EarningsConsumer(events: events)], maxAttempts: 1,
            batchSize: batchSize, checkpointInterval: .zero, offWriter: offWriter, logger: .quiet())
        try await runner.drain()
        var outcome = Outcome()
        for room in rooms {
            guard case .events(let frames) = bus.since(room: room, cursor: start[room]!) else {
                Issue.record("the history of \(room) was lost")
                continue
            }
            // The frame without its epoch and time (a bus's own): offset, type and the event.
            outcome.published[room] = frames.map { frame in
                let text = String(decoding: frame.bytes, as: UTF8.self)
                return "\(frame.offset) \(frame.type.rawValue) " + (text.range(of: #""data":"#).map { String(text[$0.upperBound...]) } ?? text)
            }
        }
        outcome.earnings = try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT owner_kind, owner_id, day, source, amount, facts FROM earnings_daily ORDER BY 1, 2, 3, 4").map {
                "\($0[0] as String) \($0[1] as String) \($0[2] as String) \($0[3] as String) \($0[4] as Int64) in \($0[5] as Int64)"
            }
        }
        outcome.parked = try await runner.parked().map { "\($0.consumer) \($0.offset)" }.sorted()
        #expect(try await runner.lag().values.allSatisfy { $0 == 0 })
        try store.close()
        return outcome
    }

    static let facts: [(String, String)] = [
        ("gift", gift(1, room: "r1")),
        ("gift", gift(2, room: "r2", streamer: "s2", revenue: 5, guildShare: 2, guild: "g1")),
        ("room_event", #"{"room":"r1","event":{"kind":"lucky"}}"#),
        ("gift", gift(3, room: "r1", revenue: 5, guildShare: 2)),
        // Not a gift: neither consumer can read it; both park it and go on.
        ("gift", #"{"send_id":"broken"}"#),
        ("gift", gift(4, room: "r2", streamer: "s2")),
        // A refund of the first gift takes its revenue back.
        ("gift_refunded", #"{"giftOffset":1}"#),
        ("gift", gift(5, room: "r1")),
    ]

    @Test func offTheWriterEveryEventIsPublishedOnceInOrderAndTheSumsAreTheWritersOnes() async throws {
        let writer = try await Self.run(Self.facts, offWriter: false)
        let off = try await Self.run(Self.facts, offWriter: true)
        #expect(off == writer)
        // And they are the right ones.
        #expect(off.published["r1"]?.count == 4 && off.published["r2"]?.count == 2)
        #expect(off.published["r1"]?.map { $0.contains(#""kind":"lucky""#) } == [false, true, false, false])
        #expect(off.published["r1"]?.first?.contains(#""send_id":"x1""#) == true && off.published["r1"]?.last?.contains(#""send_id":"x5""#) == true)
        #expect(off.parked == ["earnings 5", "room-events 5"])
        let day = OperationsCalendar().key(.daily, at: 1_000)
        #expect(off.earnings == [
            "guild g1 \(day) gifts 2 in 1",
            "pool \(SystemAccount.guildShares.rawValue) \(day) gifts 2 in 1",
            "streamer s1 \(day) gifts 12 in 4",
            "streamer s2 \(day) gifts 12 in 2",
        ])
    }

    @Test(arguments: [1, 2, 5, 64])
    func anyPageSizeGivesTheSameResult(batchSize: Int) async throws {
        let writer = try await Self.run(Self.facts, offWriter: false, batchSize: batchSize)
        let off = try await Self.run(Self.facts, offWriter: true, batchSize: batchSize)
        #expect(off == writer)
        #expect(off.published["r1"]?.count == 4 && off.parked.count == 2)
    }
}
