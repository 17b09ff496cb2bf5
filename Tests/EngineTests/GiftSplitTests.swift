import Engine
import Testing

@Suite("Gift split")
struct GiftSplitTests {
    @Test("shares round down and the platform takes the remainder; the parts always sum to the total",
          arguments: [Int64(0), 1, 3, 7, 10, 99, 10_001, 123_456_789, Int64.max / 10_000])
    func split(_ total: Int64) {
        let s = GiftSplit.standard.amounts(of: total)
        #expect(s.streamer + s.guild + s.platform == total)
        #expect(s.streamer == total / 2 || total > Int64.max / 10_000)
        #expect(s.streamer >= 0 && s.guild >= 0 && s.platform >= 0)
    }

    @Test("an odd split of a small total")
    func odd() {
        let s = GiftSplit(streamerBasisPoints: 3_333, guildBasisPoints: 3_333, platformBasisPoints: 3_334).amounts(of: 10)
        #expect(s == (3, 3, 4))
    }
}
