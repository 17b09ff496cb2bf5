import Logging
import Synchronization
import Testing
@testable import Host

@Suite struct ServerLogHandlerTests {
    /// Collects what a handler writes.
    final class Lines: Sendable {
        let text = Mutex("")
    }

    struct Sink: TextOutputStream, Sendable {
        let lines: Lines
        func write(_ string: String) { lines.text.withLock { $0 += string } }
    }

    /// The lines without their timestamps (the first field), which may fall in another second.
    static func untimed(_ lines: Lines) -> [String] {
        lines.text.withLock { $0 }.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1).last.map(String.init) ?? "" }
    }

    @Test("lines are what StreamLogHandler writes: the logger's metadata set anyhow, the line's own on top, levels filtered")
    func sameLinesAsTheStreamHandler() {
        let ours = Lines(), theirs = Lines()
        var a = Logger(label: "showrunner") { ServerLogHandler(label: $0, stream: Sink(lines: ours)) }
        var b = Logger(label: "showrunner") { StreamLogHandler(label: $0, stream: Sink(lines: theirs)) }
        for logger in [a, b] {
            logger.info("plain")
        }
        a[metadataKey: "hb.request.id"] = "42"
        b[metadataKey: "hb.request.id"] = "42"
        a.logLevel = .notice
        b.logLevel = .notice
        for var logger in [a, b] {
            logger.info("filtered out")
            logger.notice("with the request id")
            logger.warning("and its own", metadata: ["route": "/v1/rooms/{room}/gifts", "hb.request.id": "line wins"])
            logger[metadataKey: "hb.request.id"] = nil
            logger.error("without")
        }
        #expect(Self.untimed(ours) == Self.untimed(theirs))
        #expect(Self.untimed(ours) == [
            "info showrunner: [HostTests] plain",
            "notice showrunner: hb.request.id=42 [HostTests] with the request id",
            "warning showrunner: hb.request.id=line wins route=/v1/rooms/{room}/gifts [HostTests] and its own",
            "error showrunner: [HostTests] without",
        ])
    }
}
