import Engine
import EngineTesting
@testable import Rooms
@testable import Scripting
@testable import Storage
import Testing

@Suite("Danmaku pipeline")
struct DanmakuPipelineTests {
    struct Fixture {
        let database: TemporaryDatabase
        let service: DanmakuService
        let clock: ManualClock
        let sink = FrameSink()

        init(limits: DanmakuLimits = .init(), rules: [KeywordRule] = [], scripts: ScriptRuntime? = nil) async throws {
            database = try TemporaryDatabase()
            let store = try database.openStore(synchronous: .off)
            clock = ManualClock()
            let bus = RoomBus(clock: clock)
            _ = bus.subscribe(room: "r1", subscriber: sink) { $0 }
            let mutes = try await Mutes(store: SQLiteModerationStore(store), now: clock.nowMillis())
            service = DanmakuService(store: SQLiteModerationStore(store), bus: bus, filter: KeywordFilter(rules: rules), mutes: mutes,
                                     limits: limits, clock: clock, rules: scripts.map { ModerationRules(scripts: $0) })
        }

        func send(_ text: String, user: String? = "u1") async -> DanmakuRejection? {
            do {
                _ = try await service.send(DanmakuDraft(text: text), room: "r1", userID: user)
                return nil
            } catch {
                return error
            }
        }
    }

    @Test func acceptedDanmakuIsJournaledThenPublishedAndLogged() async throws {
        let f = try await Fixture()
        #expect(await f.send("hello") == nil)
        #expect(await f.send("world", user: "u2") == nil)
        #expect(f.sink.frames.withLock { $0.map(\.type) } == [.danmaku, .danmaku])
        let log = try await f.service.log(room: "r1", since: 0, limit: 10)
        #expect(log.map(\.text) == ["hello", "world"])
        #expect(try await f.service.log(room: "r1", since: log[0].id, limit: 10).map(\.userID) == ["u2"])
        #expect(try await f.service.log(room: "other", since: 0, limit: 10).isEmpty)
    }

    @Test func moderationRulesBlockRewriteAndAreSkippedWhenBroken() async throws {
        let folder = try ScriptFolder([
            "moderation/spam.lua": """
                return moderation_rule { id = "spam", order = 1, check = function(ctx, d)
                  if d.text:find("buy now", 1, true) then return false, "advertising" end
                  return true
                end }
                """,
            "moderation/shout.lua": """
                return moderation_rule { id = "shout", order = 2, check = function(ctx, d)
                  if d.text == "hello" then return { text = "HELLO" } end
                  if d.text == "empty me" then return { text = "  " } end
                end }
                """,
            "moderation/broken.lua": """
                return moderation_rule { id = "broken", order = 3, check = function(ctx, d)
                  if d.text == "boom" then error("rule bug") end
                end }
                """,
        ])
        defer { folder.remove() }
        let scripts = ScriptRuntime(directory: folder.path, api: .standard, limits: ScriptLimits())
        #expect(await scripts.reload(trigger: "test").ok)
        let f = try await Fixture(scripts: scripts)
        #expect(await f.send("cheap coins, buy now") == .refusedByRule)
        #expect(await f.send("hello") == nil)
        #expect(await f.send("empty me") == nil)
        #expect(await f.send("boom") == nil)
        let log = try await f.service.log(room: "r1", since: 0, limit: 10)
        #expect(log.map(\.text) == ["HELLO", "empty me", "boom"])
    }

    @Test func validationAndAnonymous() async throws {
        var limits = DanmakuLimits()
        limits.textLengthMax = 5
        let f = try await Fixture(limits: limits)
        #expect(await f.send("hi", user: nil) == .notAllowed)
        #expect(await f.send("   ") == .empty)
        #expect(await f.send("123456") == .tooLong)
        #expect(await f.send("12345") == nil)
        #expect(await f.send("a\u{7}b") == .invalid)
    }

    @Test func userRateLimitRefillsAndRoomCapDrops() async throws {
        var limits = DanmakuLimits()
        limits.userBurst = 2
        limits.roomBurst = 2
        limits.roomPerSecond = 1
        let f = try await Fixture(limits: limits)
        #expect(await f.send("1") == nil)
        #expect(await f.send("2") == nil)
        #expect(await f.send("3") == .rateLimited)
        f.clock.advance(byMillis: 1000)
        #expect(await f.send("4") == nil)
        #expect(await f.send("5", user: "u2") == .roomBusy)
        #expect(f.sink.frames.withLock { $0.count } == 3)
    }

    @Test func muteExpires() async throws {
        let f = try await Fixture()
        try await f.service.mute(room: "r1", userID: "u1", seconds: 60, by: "streamer")
        #expect(await f.send("hi") == .muted)
        #expect(await f.send("hi", user: "u2") == nil)
        f.clock.advance(byMillis: 60_001)
        #expect(await f.send("hi again") == nil)
        await #expect(throws: ModerationError.self) { try await f.service.mute(room: "r1", userID: "u1", seconds: 0, by: "s") }
    }

    @Test func filterBlocksMasksAndHoldsForReview() async throws {
        let f = try await Fixture(rules: [
            .init(word: "spam", category: "ads", action: .block),
            .init(word: "darn", category: "mild", action: .mask),
            .init(word: "meh", category: "tone", action: .score, score: 10),
        ])
        #expect(await f.send("spam here") == .blockedWord)
        #expect(await f.send("meh", user: "u2") == .heldForReview)
        #expect(await f.send("darn it", user: "u3") == nil)
        #expect(try await f.service.log(room: "r1", since: 0, limit: 10).map(\.text) == ["**** it"])
    }
}
