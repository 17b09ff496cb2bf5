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
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(description: "\(path) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
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

    /// Waits (up to 30 s) until something listens on 127.0.0.1:`port`.
    static func waitForPort(_ port: Int) throws {
        for _ in 0..<300 {
            if (try? output("/bin/bash", ["-c", "exec 3<>/dev/tcp/127.0.0.1/\(port) && echo up"]))?.hasPrefix("up") == true { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw Failed(description: "nothing listens on port \(port)")
    }
}
