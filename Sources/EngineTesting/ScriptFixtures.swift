import Foundation

/// A scripts folder made for one test, removed with `remove()`.
public struct ScriptFolder: Sendable {
    /// Absolute path of the folder (its last component is `Scripts`).
    public let path: String

    /// Creates a folder holding `files` (relative path → text).
    public init(_ files: [String: String]) throws {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("showrunner-scripts-\(UUID().uuidString)")
        path = base.appendingPathComponent("Scripts").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try write(files)
    }

    /// Writes (or overwrites) files.
    public func write(_ files: [String: String]) throws {
        for (relative, text) in files {
            let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    /// Deletes a file.
    public func delete(_ relative: String) throws {
        try FileManager.default.removeItem(atPath: path + "/" + relative)
    }

    /// Removes the folder.
    public func remove() {
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }
}

/// Small declarations for tests.
public enum ScriptSamples {
    /// An activity whose `on.gift` handler runs `body` (Lua statements; `gift` and `ctx` in scope).
    public static func activity(id: String = "probe", _ body: String) -> String {
        """
        return activity {
          id = "\(id)",
          title = "Probe",
          on = {
            gift = function(ctx, gift)
        \(body)
            end,
          },
        }
        """
    }
}
