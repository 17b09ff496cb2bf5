@testable import Books
import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import Logging
import NIOCore
@testable import Rooms
@testable import Storage
import Synchronization
import Testing
@testable import Host

/// A live application with realtime rooms `r1` (streamer `s1`) and `r2` on a temporary database.
struct RealtimeHost {
    let host: TestHost
    let database: TemporaryDatabase
    let realtime: Realtime
    let store: Store
    /// Vanity numbers over the same store (a test assigns one, then connects with it).
    let numbers: RoomNumbers
    /// Events for one user's sockets, attached to the hub.
    let users = UserBus()
    /// Connections per room, as the hub counts them.
    let presence = RoomPresence()

    init(
        limits: RealtimeLimits = .init(), danmaku: DanmakuLimits = .init(), history: RoomBusConfiguration = .init(),
        connections: ConnectionLimits = .init(), privileges: ((Store, RoomDirectory) async throws -> any EntryPrivilegeProvider)? = nil
    ) async throws {
        database = try TemporaryDatabase()
        let store = try database.openStore(synchronous: .off)
        self.store = store
        let rooms = RoomDirectory(store: SQLiteRoomStore(store))
        for id in ["r1", "r2"] {
            _ = try await rooms.create(NewRoom(id: id, streamerID: "s1", title: "Room \(id)", category: "music"))
        }
        numbers = RoomNumbers(store: store, ledger: Ledger(store: store))
        let base = try TestHost()
        let shows: any EntryPrivilegeProvider = try await privileges?(store, rooms) ?? NoEntryPrivileges()
        realtime = try await Realtime.make(
            moderation: SQLiteModerationStore(store), journal: SQLiteJournalStore(store), resolver: .idsAndNumbers(rooms, numbers), signer: base.signer, now: { testNow }, metrics: base.services.metricsFactory,
            bus: RoomBus(configuration: history), limits: limits, danmakuLimits: danmaku, privileges: shows, connections: connections,
            users: users, presence: presence)
        host = try TestHost(areas: [realtime.routes], httpServer: realtime.httpServer)
    }

    /// Runs `body` against the live server.
    func live<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await buildApplication(host.config, services: host.services).test(.live, body)
    }

    func token(_ user: String, _ role: Role = .viewer) throws -> String { try host.token(role, user: user) }
}

/// A server frame as the tests read it.
struct Frame: Decodable, Sendable {
    struct Data: Decodable, Sendable {
        let text: String?
        let user_id: String?
        let kind: String?
        let privileges: Shown?
        let shows: Shown?
        let reviewed: Bool?
    }
    /// What a user shows, as `enter` and `danmaku` frames carry it.
    struct Shown: Decodable, Sendable, Equatable {
        var badge: String?
        var entry_effect: String?
        var `guard`: String?
        var vip: Int?
    }
    let type: String
    let room: String?
    let epoch: String?
    let offset: Int64?
    let online: Int?
    let code: String?
    let reason: String?
    let data: Data?
    /// `gift_receipt`, `gift_error`.
    let idempotency_key: String?
    let status: Int?
}

/// Text frames a test client received, shared with the test body.
final class Inbox: Sendable {
    let frames = Mutex<[Frame]>([])
    /// The frames' texts, as received.
    let texts = Mutex<[String]>([])

    func append(_ text: String) {
        guard let frame = try? JSONDecoder().decode(Frame.self, from: Foundation.Data(text.utf8)) else {
            Issue.record("undecodable frame: \(text)")
            return
        }
        texts.withLock { $0.append(text) }
        frames.withLock { $0.append(frame) }
    }

    /// The texts of the frames of `type`.
    func texts(_ type: String) -> [String] {
        zip(frames.withLock { $0 }, texts.withLock { $0 }).filter { $0.0.type == type }.map(\.1)
    }

    func types() -> [String] { frames.withLock { $0.map(\.type) } }

    /// The frames of `type`.
    func all(_ type: String) -> [Frame] { frames.withLock { $0.filter { $0.type == type } } }

    /// Texts of the danmaku received, in order.
    var danmaku: [String] { all("danmaku").compactMap { $0.data?.text } }

    /// Waits until `predicate` holds, up to 120 s: frames arrive in milliseconds, but the whole
    /// suite starts at once on two cores, where a test's first minute can be that slow.
    func wait(_ what: String = "", until predicate: @Sendable (Inbox) -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if predicate(self) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting for \(what): got \(types())")
    }

    /// Reads every text message into the inbox until the connection closes.
    func read(_ inbound: WebSocketInboundStream) async throws {
        for try await message in inbound.messages(maxSize: 1 << 20) {
            if case .text(let text) = message { append(text) }
        }
    }
}

extension TestClientProtocol {
    /// Connects, reads into `inbox` in the background, runs `body`, then closes and drains.
    /// - Returns: the close frame that ended the connection.
    @discardableResult
    func session(
        _ path: String, inbox: Inbox, _ body: @escaping @Sendable (WebSocketOutboundWriter) async throws -> Void
    ) async throws -> WebSocketCloseFrame? {
        try await ws(path) { inbound, outbound, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await inbox.read(inbound) }
                try await inbox.wait("hello") { !$0.all("hello").isEmpty }
                try await body(outbound)
                try await outbound.close(.normalClosure, reason: nil)
                try await group.waitForAll()
            }
        }
    }
}

/// A danmaku client frame.
func danmakuFrame(_ text: String) -> WebSocketOutboundWriter.OutboundFrame {
    .text(#"{"type":"danmaku","text":"\#(text)"}"#)
}
