import GRDB
import Synchronization

/// What the keyword filter decided about one message.
public struct FilterVerdict: Sendable, Equatable {
    /// The text to broadcast (masked words replaced by `*`).
    public var text: String
    /// The category of the first blocking word, if any: the message must be refused.
    public var blockedCategory: String?
    /// Sum of the scores of `score` rules that matched.
    public var score: Int
    /// Categories of every matched rule, sorted, without duplicates.
    public var categories: [String]
}

/// The operator-managed word list and its automaton, replaceable at runtime and stored in the
/// `moderation_words` table so a restart keeps it. Readers never wait for a rebuild: the new
/// automaton is built first, then swapped in.
public final class KeywordFilter: Sendable {
    private let automaton: Mutex<KeywordAutomaton>

    /// A filter over `rules` (not stored).
    public init(rules: [KeywordRule] = []) {
        automaton = Mutex(KeywordAutomaton(rules: rules))
    }

    /// Loads the stored list.
    /// - Throws: database errors.
    public static func load(from store: Store) async throws -> KeywordFilter {
        let rules = try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT word, category, action, score FROM moderation_words ORDER BY id").compactMap { row in
                KeywordAction(rawValue: row["action"]).map {
                    KeywordRule(word: row["word"], category: row["category"], action: $0, score: row["score"])
                }
            }
        }
        return KeywordFilter(rules: rules)
    }

    /// The current list.
    public var rules: [KeywordRule] { automaton.withLock { $0.rules } }

    /// Checks, stores (replacing the whole list, in one transaction) and swaps in `rules`.
    /// - Throws: `ModerationError.invalidWordList`; database errors (the old list stays).
    public func replace(with rules: [KeywordRule], store: Store?) async throws {
        try KeywordRule.check(rules)
        let built = KeywordAutomaton(rules: rules)
        if let store {
            try await store.write { db in
                try db.execute(sql: "DELETE FROM moderation_words")
                for rule in rules {
                    try db.execute(
                        sql: "INSERT INTO moderation_words (word, category, action, score) VALUES (?, ?, ?, ?)",
                        arguments: [rule.word, rule.category, rule.action.rawValue, rule.score])
                }
            }
        }
        automaton.withLock { $0 = built }
    }

    /// Runs `text` through the current list.
    public func check(_ text: String) -> FilterVerdict {
        let current = automaton.withLock { $0 }
        let scalars = Array(text.unicodeScalars)
        let matches = current.matches(scalars: KeywordAutomaton.normalise(text))
        var verdict = FilterVerdict(text: text, blockedCategory: nil, score: 0, categories: [])
        guard !matches.isEmpty else { return verdict }
        var masked = scalars
        var categories = Set<String>()
        for match in matches {
            let rule = current.rules[match.rule]
            categories.insert(rule.category)
            switch rule.action {
            case .block: verdict.blockedCategory = verdict.blockedCategory ?? rule.category
            case .score: verdict.score += rule.score
            case .mask: for i in match.range { masked[i] = "*" }
            }
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: masked)
        verdict.text = String(view)
        verdict.categories = categories.sorted()
        return verdict
    }
}
