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
        var seen = ScriptSources.fingerprint(directory: runtime.directory)
        while !Task.isCancelledOrShuttingDown {
            try? await Task.sleep(for: interval)
            let now = ScriptSources.fingerprint(directory: runtime.directory)
            if now != seen {
                seen = now
                await runtime.reload(trigger: "watch")
            }
        }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Whether the current task was cancelled or its service group is shutting down.
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
