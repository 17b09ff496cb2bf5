import Logging

/// The server's log lines: swift-log's `StreamLogHandler` on standard error, the same format, with
/// the logger's own metadata rendered only when a line is written.
///
/// `StreamLogHandler` renders its metadata into text whenever it is set, and the HTTP server sets
/// a request id on every request's logger, so every request paid for sorting and formatting
/// metadata no line used (about 2% of the server's CPU under the gifts benchmark). Here setting
/// metadata only stores it; a line merges it under the line's own metadata and hands both to the
/// stream handler, which renders them once.
struct ServerLogHandler: LogHandler {
    private var stream: StreamLogHandler
    /// The logger's metadata, as set.
    var metadata: Logger.Metadata = [:]

    /// - Parameter label: the logger's label, shown on every line.
    init(label: String) {
        stream = StreamLogHandler.standardError(label: label)
    }

    /// Writes to `stream` instead of standard error (tests).
    init(label: String, stream: any TextOutputStream & Sendable) {
        self.stream = StreamLogHandler(label: label, stream: stream)
    }

    var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, line in line }
        }
        stream.log(event: event)
    }
}
