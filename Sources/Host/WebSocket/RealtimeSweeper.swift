import ServiceLifecycle

/// The one heartbeat sweep over every connection (not a timer per connection): closes those
/// silent for longer than `idleTimeout` with 4002, closes with 4001 those stuck behind their room
/// (see `RealtimeConnection.sweepCheck`), and trims each room's shared backlog. On graceful
/// shutdown it closes every connection with 1001 (going away): upgraded connections have no task
/// the HTTP server would wait for.
struct RealtimeSweeper: Service {
    let hub: RealtimeHub

    /// One pass: closes idle connections. - Returns: how many were closed.
    @discardableResult
    func sweep(nowMillis: Int64 = RealtimeConnection.monotonicMillis()) -> Int {
        let idle = hub.limits.idleTimeout.components
        let idleMillis = idle.seconds * 1000 + idle.attoseconds / 1_000_000_000_000_000
        var closed = 0
        for connection in hub.connections() {
            if nowMillis - connection.lastSeen.load(ordering: .relaxed) > idleMillis {
                connection.close(code: RealtimeLimits.closeIdle, reason: "idle timeout")
                closed += 1
            } else {
                connection.eventLoop.execute { connection.sweepCheck() }
            }
        }
        for group in hub.loopGroups() {
            group.eventLoop.execute { group.trim() }
        }
        return closed
    }

    /// Sweeps every `sweepInterval` until graceful shutdown.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: hub.limits.sweepInterval)
                } catch {
                    return
                }
                sweep()
            }
        }
        for connection in hub.connections() {
            connection.close(code: RealtimeLimits.closeGoingAway, reason: "server shutting down")
        }
    }
}
