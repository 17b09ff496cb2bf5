import Books
import Engine
import EngineCore
import Logging
import ServiceLifecycle

/// Journals watch time: once a minute, one `watch` fact per signed-in viewer who was connected
/// to a room for the whole minute (seen at two samples in a row), idempotent by user and
/// minute, so a viewer in two rooms (or with two tabs) earns one minute per minute. Tasks such
/// as "watch 10 minutes today" count these facts.
struct WatchMeter: Service {
    static let type = "watch"
    let hub: RealtimeHub
    let journal: any JournalStore
    let clock: any WallClock
    let interval: Duration
    let logger: Logger

    struct Fact: Encodable, Sendable {
        let user_id: String
        let room_id: String
        let minutes: Int
    }

    /// One sample: returns the users seen now (with a room each) and appends facts for those also
    /// seen at the previous sample.
    static func sample(hub: RealtimeHub) -> [String: String] {
        var seen: [String: String] = [:]
        for c in hub.connections() {
            guard let user = c.principal?.userID, seen[user] == nil || c.room < seen[user]! else { continue }
            seen[user] = c.room
        }
        return seen
    }

    /// Appends one `watch` fact per user in both samples, in one write.
    @discardableResult
    static func record(journal: any JournalStore, previous: [String: String], current: [String: String], at now: Int64) async throws -> Int {
        let minute = now / 60_000
        let users = current.keys.filter { previous[$0] != nil }.sorted()
        guard !users.isEmpty else { return 0 }
        try await journal.record(
            users.map { user in
                NewFact(type: type, payload: Fact(user_id: user, room_id: current[user]!, minutes: 1), idempotencyKey: "watch:\(user):\(minute)")
            }, at: now)
        return users.count
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var previous: [String: String] = [:]
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                let current = Self.sample(hub: hub)
                do {
                    try await Self.record(journal: journal, previous: previous, current: current, at: clock.nowMillis())
                } catch {
                    logger.warning("watch time not journaled", metadata: ["error": "\(error)"])
                }
                previous = current
            }
        }
    }
}
