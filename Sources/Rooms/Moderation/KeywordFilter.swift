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

/// The operator-managed word list and its automaton, replaceable at runtime and kept in the
/// `ModerationStore` so a restart keeps it. Readers never wait for a rebuild: the new automaton
/// is built first, then swapped in.
public final class KeywordFilter: Sendable {
    private let automaton: Mutex<KeywordAutomaton>
    /// Where a replaced list is stored (nil: in memory only).
    private let store: (any ModerationStore)?

    /// A filter over `rules`, stored in `store` when it changes (nil: in memory only).
    public init(rules: [KeywordRule] = [], store: (any ModerationStore)? = nil) {
        automaton = Mutex(KeywordAutomaton(rules: rules))
        self.store = store
    }

    /// Loads the stored list; later replacements are stored there.
    /// - Throws: the store's errors.
    public static func load(from store: any ModerationStore) async throws -> KeywordFilter {
        KeywordFilter(rules: try await store.wordRules(), store: store)
    }

    /// The current list.
    public var rules: [KeywordRule] { automaton.withLock { $0.rules } }

    /// Checks, stores (replacing the whole list, in one transaction) and swaps in `rules`.
    /// - Throws: `ModerationError.invalidWordList`; the store's errors (the old list stays).
    public func replace(with rules: [KeywordRule]) async throws {
        try KeywordRule.check(rules)
        let built = KeywordAutomaton(rules: rules)
        try await store?.replaceWordRules(rules)
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
