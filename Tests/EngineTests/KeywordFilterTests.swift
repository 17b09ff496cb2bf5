import Engine
@testable import Rooms
import Testing

@Suite("Moderation keyword filter")
struct KeywordFilterTests {
    @Test func ahoCorasickFindsOverlappingWordsCaseInsensitively() {
        let automaton = KeywordAutomaton(rules: [
            .init(word: "he", category: "a", action: .mask), .init(word: "She", category: "a", action: .mask),
            .init(word: "hers", category: "a", action: .mask), .init(word: "广告", category: "ads", action: .block),
        ])
        let found = automaton.matches(in: "uSHErs").map { automaton.rules[$0.rule].word }
        #expect(Set(found) == ["She", "he", "hers"])
        #expect(automaton.matches(in: "看广告啦").map(\.range) == [1..<3])
    }

    @Test func blockMaskAndScore() async throws {
        let filter = KeywordFilter(rules: [
            .init(word: "spam", category: "ads", action: .block),
            .init(word: "darn", category: "mild", action: .mask),
            .init(word: "meh", category: "tone", action: .score, score: 4),
        ])
        #expect(filter.check("buy SPAM now").blockedCategory == "ads")
        let masked = filter.check("oh Darn it")
        #expect(masked.text == "oh **** it" && masked.blockedCategory == nil)
        let scored = filter.check("meh meh")
        #expect(scored.score == 8 && scored.categories == ["tone"])
        try await filter.replace(with: [.init(word: "new", category: "c", action: .block)])
        #expect(filter.check("spam").blockedCategory == nil)
        #expect(filter.check("brand new").blockedCategory == "c")
        await #expect(throws: ModerationError.self) {
            try await filter.replace(with: [.init(word: " ", category: "c", action: .block)])
        }
    }

    @Test func tokenBucketRefills() {
        var bucket = TokenBucket(capacity: 2, perSecond: 1, now: 0)
        let taken = [0, 0, 500, 1000, 1000].map { bucket.take(now: Int64($0)) }
        #expect(taken == [true, true, false, true, false])
    }
}
