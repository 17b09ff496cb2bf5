import Logging
import ServiceLifecycle

/// Watch mode (for staging): polls the scripts folder and reloads when a file changes. Polling
/// a fingerprint of names, sizes and times needs no platform file-event API and costs little.
public struct ScriptWatcher: Service {
    let runtime: ScriptRuntime
    let interval: Duration

    /// - Parameters: runtime: what to reload; interval: how often to look.
    public init(runtime: ScriptRuntime, interval: Duration = .milliseconds(500)) {
        self.runtime = runtime
        self.interval = interval
    }

    public func run() async throws {
        let initial = ScriptSources.fingerprint(directory: runtime.directory)
        // A graceful shutdown cancels the sleep, so the service group is not kept waiting.
        await cancelWhenGracefulShutdown { [self] in
            var seen = initial
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                let now = ScriptSources.fingerprint(directory: runtime.directory)
                if now != seen {
                    seen = now
                    await runtime.reload(trigger: "watch")
                }
            }
        }
    }
}
