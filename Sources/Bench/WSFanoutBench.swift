import ArgumentParser
import Foundation

/// WebSocket fan-out over loopback: starts the real server (`showrunner serve`, release build)
/// as a child process pinned to one core, and drives it with the load client
/// (benchmarks/realtime/wsload.py: the publisher, and the C subscriber `wssub` or picows)
/// pinned to the other: N subscribers in one room, notices published over HTTP at rising rates;
/// then idle memory per connection. With `--nchan`, the same load against nginx + nchan
/// (benchmarks/realtime/nchan.sh) in the same run; with `--ceiling`, against the raw-socket C
/// writer (benchmarks/realtime/wsceil). Setup: benchmarks/realtime/setup.sh.
struct WSFanoutBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ws-fanout", abstract: "WebSocket fan-out: delivered/s, latency, loss; idle memory per connection.")

    @Option(help: "The server binary.") var server = ".build/release/showrunner"
    @Option(help: "The load client.") var client = "benchmarks/realtime/wsload.py"
    @Option(help: "Subscriber counts, comma-separated.") var subscribers = "1000,10000"
    @Option(help: "Publish rates (events/s), comma-separated.") var rates = "50,100,200,500"
    @Option(help: "Seconds per rate.") var seconds = 5.0
    @Option(help: "Publisher keep-alive connections, one request in flight on each.") var pubConns = 8
    @Option(help: "Idle connections to open for the memory figure (0: skip).") var idle = 19_000
    @Option(help: "Core for the server; the client gets the others.") var serverCore = 0
    @Option(help: "Cores for the load client (taskset list).") var clientCores = "1"
    @Option(help: "TCP port for showrunner.") var port = 8090
    @Option(help: "Subscriber client: c (wssub) or picows.") var subscriberClient = "c"
    @Option(help: "The server's --coalesce-ms (its default when not given).") var coalesceMs: Int?
    @Flag(help: "Also run the same load against nginx + nchan.") var nchan = false
    @Flag(help: "Also run the same load against the raw-socket C writer (wsceil).") var ceiling = false

    func run() async throws {
        say("date: \(ISO8601DateFormatter().string(from: Date())), cores: \(ProcessInfo.processInfo.activeProcessorCount)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ws-fanout-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = try Child.output(server, ["token", "issue", "--dev", "--user", "bench-ops", "--role", "operator", "--ttl", "7200"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let serve = try Child.start("/usr/bin/taskset", ["-c", "\(serverCore)", server, "serve", "--dev", "--port", "\(port)",
            "--db", directory.appendingPathComponent("bench.sqlite").path, "--synchronous", "off", "--log-level", "error"]
            + (coalesceMs.map { ["--coalesce-ms", "\($0)"] } ?? []))
        defer { Child.stop(serve) }
        try Child.waitForPort(port)
        let ws = "ws://127.0.0.1:\(port)/v1/rooms/bench/ws"
        for count in subscribers.split(separator: ",") {
            try load(["fanout", "--ws", ws, "--http", "127.0.0.1:\(port)", "--token", token, "--subscribers", String(count)])
        }
        if idle > 0 { try load(["idle", "--ws", ws, "--http", "127.0.0.1:\(port)", "--token", token, "--subscribers", "\(idle)",
                  "--server-pid", "\(serve.processIdentifier)"]) }
        let tools = URL(fileURLWithPath: client).deletingLastPathComponent()
        if ceiling {
            let writer = try Child.start("/usr/bin/taskset", ["-c", "\(serverCore)", tools.appendingPathComponent("wsceil").path,
                "--port", "8092"])
            defer { Child.stop(writer) }
            try Child.waitForPort(8092)
            for count in subscribers.split(separator: ",") {
                try load(["fanout", "--target", "ceiling", "--ws", "ws://127.0.0.1:8092/sub/bench", "--http", "127.0.0.1:8092",
                          "--subscribers", String(count)])
            }
        }
        guard nchan else { return }
        let script = tools.appendingPathComponent("nchan.sh").path
        try Child.run("/bin/bash", [script, "start", "\(serverCore)"])
        defer { try? Child.run("/bin/bash", [script, "stop"]) }
        let nchanWS = "ws://127.0.0.1:8091/sub/bench"
        for count in subscribers.split(separator: ",") {
            try load(["fanout", "--target", "nchan", "--ws", nchanWS, "--http", "127.0.0.1:8091", "--subscribers", String(count)])
        }
        let worker = try Child.output("/usr/bin/pgrep", ["-f", "nginx: worker process"]).split(separator: "\n").first.map(String.init) ?? "0"
        if idle > 0 { try load(["idle", "--target", "nchan", "--ws", nchanWS, "--http", "127.0.0.1:8091", "--subscribers", "\(idle)",
                  "--server-pid", worker]) }
    }

    /// Runs the load client on the client cores, echoing its table.
    private func load(_ arguments: [String]) throws {
        let procs = max(1, clientCores.split(separator: ",").count)
        let all = arguments + ["--rates", rates, "--seconds", "\(seconds)", "--pub-conns", "\(pubConns)", "--procs", "\(procs)", "--client", subscriberClient]
        say("\n$ taskset -c \(clientCores) python3 \(client) \(all.map { $0.count > 60 ? "…" : $0 }.joined(separator: " "))")
        try Child.run("/usr/bin/taskset", ["-c", clientCores, "python3", client] + all)
    }

    /// Prints at once (the children write to the same stdout).
    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
