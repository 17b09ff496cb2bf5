/// `showrunner scripts check DIR`: validates a scripts folder without a server.
public enum ScriptChecker {
    /// Every problem in `directory`, as `path:line: message`; empty when the folder is valid.
    public static func check(directory: String, api: HostAPI = .standard, limits: ScriptLimits = ScriptLimits()) -> [ScriptProblem] {
        let (files, problems) = ScriptSources.read(directory: directory, limits: limits)
        let trimmed = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let label = trimmed.split(separator: "/").last.map(String.init) ?? trimmed
        switch ScriptGeneration.compile(files, api: api, limits: limits, label: label, vmCount: 1) {
        case .success: return problems
        case .failure(let rejected):
            // Chunk names carry only the folder's last component (Lua shortens long names);
            // report the path as the operator gave it.
            return problems + rejected.problems.map { p in
                guard p.path.hasPrefix(label + "/") else { return p }
                return ScriptProblem(path: trimmed + p.path.dropFirst(label.count), line: p.line, message: p.message)
            }
        }
    }
}
