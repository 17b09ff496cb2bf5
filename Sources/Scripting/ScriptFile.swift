/// One script source file of a generation.
public struct ScriptFile: Sendable, Hashable, Codable {
    /// Path relative to the scripts folder, `/`-separated: `activities/gala.lua`, `lib/util.lua`.
    public let path: String
    /// The source text.
    public let text: String

    /// - Parameters: path: relative path; text: the source.
    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    /// The kind, from the first path component; nil for libraries.
    public var kind: ScriptKind? {
        path.split(separator: "/").first.flatMap { ScriptKind(folder: String($0)) }
    }

    /// Whether this is a shared module under `lib/`.
    public var isLibrary: Bool { path.hasPrefix(ScriptKind.libraryFolder + "/") }

    /// The module name `lib.x` for `lib/x.lua`.
    var moduleName: String? {
        guard isLibrary, path.hasSuffix(".lua") else { return nil }
        return "lib." + path.dropFirst(4).dropLast(4)
    }
}
