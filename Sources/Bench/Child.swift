import Foundation

/// Child processes of the benchmarks that drive real servers.
enum Child {
    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `path arguments`, inheriting stdout and stderr.
    static func start(_ path: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        try process.run()
        return process
    }

    /// Runs to the end. - Throws: `Failed` on a non-zero exit.
    static func run(_ path: String, _ arguments: [String]) throws {
        let process = try start(path, arguments)
        // Reaps the child itself rather than `waitUntilExit` or `isRunning` (see `stop`): from an
        // async command neither ever saw `nchan.sh start` exit, and ws-fanout hung on a zombie.
        var status: Int32 = 0
        var code: Int32 = 0
        while true {
            let reaped = waitpid(process.processIdentifier, &status, WNOHANG)
            if reaped == process.processIdentifier {
                code = (status >> 8) & 0xff
                break
            }
            if reaped == -1, !process.isRunning {
                code = process.terminationStatus
                break
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        guard code == 0 else {
            throw Failed(description: "\(path) \(arguments.joined(separator: " ")) exited \(code)")
        }
    }

    /// Runs to the end and returns its standard output.
    static func output(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Asks `process` to stop (SIGTERM), waits up to `grace`, then kills it (SIGKILL).
    ///
    /// Never `waitUntilExit`: called from an async command it can wait forever for a
    /// termination the run loop never sees, which hung the gift benchmark after its last
    /// measurement (and lost the table with it).
    static func stop(_ process: Process, grace: Double = 5) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        reap(process, within: grace)
    }

    /// Stops a redis-server child: `SHUTDOWN NOSAVE` over `socket` (or a new connection to
    /// `port`), then, if it is still alive after `grace`, SIGTERM and SIGKILL (`stop`).
    ///
    /// SIGTERM alone is not enough: a child started from one of Swift's concurrency threads
    /// inherits their signal mask, which blocks SIGTERM, and the server stays up after the run.
    static func stopRedis(_ process: Process, port: UInt16, socket: BlockingSocket? = nil, grace: Double = 5) {
        guard process.isRunning else { return }
        if let connection = socket ?? (try? BlockingSocket(port: port)) {
            // The server closes the connection as it exits: there is no reply to wait for.
            try? connection.write(RESPBuffer.command(["SHUTDOWN", "NOSAVE"]))
        }
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        stop(process, grace: 1)
        reap(process, within: 5)
    }

    /// Waits (at most `seconds`, never with `waitUntilExit`) until Foundation has seen the
    /// child exit, so no zombie outlives the harness's bookkeeping.
    static func reap(_ process: Process, within seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
    }

    /// Prints a line at once: children write to the same stdout, and a buffered table is
    /// lost if the harness is killed.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Waits (up to 30 s) until something listens on 127.0.0.1:`port`.
    static func waitForPort(_ port: Int) throws {
        for _ in 0..<300 {
            if (try? output("/bin/bash", ["-c", "exec 3<>/dev/tcp/127.0.0.1/\(port) && echo up"]))?.hasPrefix("up") == true { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw Failed(description: "nothing listens on port \(port)")
    }
}
