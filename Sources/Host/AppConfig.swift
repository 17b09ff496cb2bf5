import Engine

/// Everything `serve` reads from its flags: where to listen, where state and scripts live,
/// and the request limits. Plain values, so tests build one in a line.
struct AppConfig: Sendable {
    /// Default for `requestBodyBytesMax`: 64 KiB is plenty for every JSON command we accept.
    static let requestBodyBytesMaxDefault = 64 * 1024

    /// Interface to bind, e.g. `127.0.0.1` or `0.0.0.0`.
    var hostname = "127.0.0.1"
    /// TCP port; 0 picks a free one.
    var port = 8080
    /// SQLite database file (used by the storage layer once it plugs in).
    var databasePath = "showrunner.sqlite"
    /// Folder of Lua scripts (used by the scripting runtime once it plugs in).
    var scriptsPath = "Scripts"
    /// Reload scripts when files change (staging only).
    var watchScripts = false
    /// Largest request body accepted, in bytes; larger bodies get 413 `payload_too_large`.
    var requestBodyBytesMax = AppConfig.requestBodyBytesMaxDefault
}
