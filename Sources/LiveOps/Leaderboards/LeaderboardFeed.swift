import Logging
import Rooms
import Scripting
import ServiceLifecycle
import Synchronization

/// Live `leaderboard` events to rooms, throttled: handlers mark (room, board) pairs they
/// changed; once a second each marked pair is published once with the board's current top 10
/// (latest value wins, so a hot board costs one event per room per second however many gifts
/// arrive). A live display, not a record: a restart may skip one update, never a stored score.
public final class LeaderboardFeed: Sendable {
    /// Rows per event.
    public static let rows = 10

    struct Mark: Hashable {
        let room: String
        let key: BoardKey
    }

    struct Payload: Encodable {
        let activity: String
        let board: String
        let period: String
        let members: Int
        let rows: [RankedRow]
    }

    private let marks = Mutex<Set<Mark>>([])

    /// An empty feed.
    public init() {}

    /// Notes that `key` changed because of an event in `room`.
    public func mark(room: String, keys: some Sequence<BoardKey>) {
        marks.withLock { set in
            for key in keys where set.count < 100_000 { set.insert(Mark(room: room, key: key)) }
        }
    }

    /// Publishes one event per marked (room, board) and clears the marks.
    /// - Returns: how many events went out.
    @discardableResult
    public func flush(book: Leaderboards, bus: RoomBus) -> Int {
        let due = marks.withLock { set -> Set<Mark> in
            defer { set.removeAll(keepingCapacity: true) }
            return set
        }
        var sent = 0
        for mark in due {
            let payload = Payload(
                activity: mark.key.scope, board: mark.key.board, period: mark.key.period, members: book.count(mark.key),
                rows: book.top(mark.key, Self.rows))
            guard let event = try? RoomEvent(.leaderboard, payload: payload) else { continue }
            _ = bus.publish(room: mark.room, event: event)
            sent += 1
        }
        return sent
    }
}

/// Flushes a `LeaderboardFeed` every interval (one second by default).
public struct LeaderboardFeedService: Service {
    let feed: LeaderboardFeed
    let book: Leaderboards
    let bus: RoomBus
    let interval: Duration

    /// - Parameters: feed: the marks; book: the boards; bus: the rooms; interval: the throttle.
    public init(feed: LeaderboardFeed, book: Leaderboards, bus: RoomBus, interval: Duration = .seconds(1)) {
        self.feed = feed
        self.book = book
        self.bus = bus
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                feed.flush(book: book, bus: bus)
            }
        }
    }
}
