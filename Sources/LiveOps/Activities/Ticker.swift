import Books
import EngineCore
import Logging
import ServiceLifecycle

/// Appends a `tick` fact once a minute (idempotent by the minute, so restarts and several
/// hosts never double a tick). Ticks drive `on.tick` handlers, leaderboard period closes and
/// activity ends from the journal, so a replay sees the same ticks at the same offsets.
public struct Ticker: Service {
    let store: any JournalWriter
    let clock: any WallClock
    let interval: Duration
    let logger: Logger

    /// - Parameters: store: where ticks go; clock: the engine clock; interval: how often to look
    ///   (a tick is appended once per new minute).
    public init(store: any JournalWriter, clock: any WallClock = SystemWallClock(), interval: Duration = .seconds(5), logger: Logger) {
        self.store = store
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    /// Appends the tick of the current minute unless it is already in the journal.
    @discardableResult
    public static func tick(_ store: any JournalWriter, at now: Int64) async throws -> JournalEntry {
        let minute = now / 60_000
        return try await store.journalWrite { journal in
            try journal.append(type: Activities.tickType, payload: ["minute": minute, "at": now], idempotencyKey: "tick:\(minute)", at: now)
        }
    }

    public func run() async throws {
        // A graceful shutdown cancels the sleep, so the service group is not kept waiting
        // for the rest of an interval.
        await cancelWhenGracefulShutdown { [self] in
            var last: Int64 = -1
            while !Task.isCancelled {
                let now = clock.nowMillis()
                if now / 60_000 != last {
                    do {
                        try await Self.tick(store, at: now)
                        last = now / 60_000
                    } catch {
                        logger.warning("tick not appended", metadata: ["error": "\(error)"])
                    }
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
