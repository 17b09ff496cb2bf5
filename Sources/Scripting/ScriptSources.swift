import Foundation

/// Reads a scripts folder: `<kind folder>/*.lua` and `lib/*.lua`. Test files (`*_test.lua`)
/// and the generated `types/` folder are skipped; a `.lua` file anywhere else is a problem.
public enum ScriptSources {
    /// The files of `directory`, sorted by path, and the problems found reading them.
    public static func read(directory: String, limits: ScriptLimits = ScriptLimits()) -> ([ScriptFile], [ScriptProblem]) {
        let fm = FileManager.default
        var files: [ScriptFile] = []
        var problems: [ScriptProblem] = []
        let root = URL(fileURLWithPath: directory)
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            return ([], [ScriptProblem(path: directory, line: nil, message: "not a directory")])
        }
        guard let walker = fm.enumerator(atPath: directory) else {
            return ([], [ScriptProblem(path: directory, line: nil, message: "cannot be read")])
        }
        let label = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        for case let relative as String in walker where relative.hasSuffix(".lua") {
            let parts = relative.split(separator: "/").map(String.init)
            if let top = parts.first, ScriptKind.ignoredFolders.contains(top) { continue }
            if relative.hasSuffix("_test.lua") { continue }
            let shown = "\(label)/\(relative)"
            guard parts.count == 2, ScriptKind(folder: parts[0]) != nil || parts[0] == ScriptKind.libraryFolder else {
                let folders = ScriptKind.allCases.map(\.folder) + [ScriptKind.libraryFolder]
                problems.append(ScriptProblem(path: shown, line: 1,
                    message: "scripts live in one of \(folders.joined(separator: ", ")) (one level deep)"))
                continue
            }
            guard parts[1].dropLast(4).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }), parts[1].count > 4 else {
                problems.append(ScriptProblem(path: shown, line: 1, message: "file names use letters, digits, _ and -"))
                continue
            }
            let url = root.appendingPathComponent(relative)
            guard let data = try? Data(contentsOf: url) else {
                problems.append(ScriptProblem(path: shown, line: nil, message: "cannot be read"))
                continue
            }
            guard data.count <= limits.fileBytesMax else {
                problems.append(ScriptProblem(path: shown, line: 1, message: "larger than \(limits.fileBytesMax) bytes"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                problems.append(ScriptProblem(path: shown, line: 1, message: "not UTF-8 text"))
                continue
            }
            files.append(ScriptFile(path: relative, text: text))
        }
        if files.count > limits.filesMax {
            problems.append(ScriptProblem(path: label, line: nil, message: "more than \(limits.filesMax) script files"))
        }
        return (files.sorted { $0.path < $1.path }, problems)
    }

    /// A cheap fingerprint of the folder (paths, sizes, modification times) for the watcher.
    public static func fingerprint(directory: String) -> String {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: directory) else { return "" }
        var parts: [String] = []
        for case let relative as String in walker where relative.hasSuffix(".lua") {
            let attrs = try? fm.attributesOfItem(atPath: directory + "/" + relative)
            let size = (attrs?[.size] as? NSNumber)?.int64Value ?? -1
            let mtime = (attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            parts.append("\(relative):\(size):\(mtime)")
        }
        return parts.sorted().joined(separator: "\n")
    }
}

/// One problem with a script, printed as `path:line: message`.
public struct ScriptProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Path as shown to the operator.
    public let path: String
    /// Line, when known.
    public let line: Int?
    /// What is wrong.
    public let message: String

    /// - Parameters: path, line, message: as above.
    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    init(_ failure: ScriptFailure) {
        self.init(path: failure.path, line: failure.line, message: failure.detail)
    }

    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}
