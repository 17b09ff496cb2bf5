import EngineCore
import Foundation

/// What the filter does with a danmaku that contains a word.
public enum KeywordAction: String, Sendable, Codable, CaseIterable {
    /// Refuse the whole message (`blocked_word`).
    case block
    /// Replace each character of the word with `*` and let the message through.
    case mask
    /// Let it through but add the rule's score; a total at or over the review threshold holds
    /// the message for review instead of broadcasting it.
    case score
}

/// One entry of the operator-managed word list.
public struct KeywordRule: Sendable, Codable, Equatable {
    /// Longest word, in Unicode scalars (as JSON Schema's `maxLength` counts: an emoji with a skin
    /// tone is two).
    public static let wordLengthMax = 32
    /// Longest category name, in Unicode scalars.
    public static let categoryLengthMax = 32
    /// Most rules in one list.
    public static let rulesMax = 50_000

    /// The word, matched case-insensitively anywhere in the text.
    public var word: String
    /// Free-form category for reports (e.g. `ads`, `abuse`, `politics`).
    public var category: String
    /// What a match does.
    public var action: KeywordAction
    /// Points added toward review per match (used by `score`, ignored otherwise).
    public var score: Int

    /// - Parameters: word, category, action, score (0 by default).
    public init(word: String, category: String, action: KeywordAction, score: Int = 0) {
        self.word = word
        self.category = category
        self.action = action
        self.score = score
    }

    /// Checks every rule of a list.
    /// - Throws: `ModerationError.invalidWordList` naming the first bad rule.
    public static func check(_ rules: [KeywordRule]) throws(ModerationError) {
        guard rules.count <= rulesMax else { throw .invalidWordList("at most \(rulesMax) rules") }
        for (index, rule) in rules.enumerated() {
            let word = rule.word.trimmingCharacters(in: .whitespaces)
            guard !word.isEmpty, rule.word.contractLength <= wordLengthMax else {
                throw .invalidWordList("rule \(index): word must be 1...\(wordLengthMax) non-blank characters")
            }
            guard !rule.category.isEmpty, rule.category.contractLength <= categoryLengthMax else {
                throw .invalidWordList("rule \(index): category must be 1...\(categoryLengthMax) characters")
            }
            guard (0...1_000).contains(rule.score) else {
                throw .invalidWordList("rule \(index): score must be 0...1000")
            }
        }
    }
}
