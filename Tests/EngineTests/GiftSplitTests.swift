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

@Suite("Gift split under a guild contract")
struct GiftContractSplitTests {
    @Test("the contract's rate divides the streamer-and-guild part, rounded down; the platform fee is the catalog's; the parts sum to the total",
          arguments: [
            // (total, share_bp, streamer, guild, platform); the catalog's standard split is 50/10/40.
            (Int64(7000), Int64(0), Int64(4200), Int64(0), Int64(2800)),
            (7000, 1, 4200, 0, 2800),  // 0.42 rounds down to 0
            (100_000, 1, 59_994, 6, 40_000),
            (7000, 9_999, 1, 4199, 2800),  // 4,199.58 rounds down
            (7000, 10_000, 0, 4200, 2800),
            (2997, 3_333, 1199, 598, 1200),  // part 1,498 + 299 = 1,797; 598.94 rounds down
            (1, 5_000, 0, 0, 1),  // nothing to divide: the catalog's part of 1 coin is 0
            (0, 5_000, 0, 0, 0),
          ])
    func contract(total: Int64, bp: Int64, streamer: Int64, guild: Int64, platform: Int64) {
        let s = GiftSplit.standard.amounts(of: total, guildShareBP: bp)
        #expect(s.streamer == streamer && s.guild == guild && s.platform == platform, "\(s)")
        #expect(s.streamer + s.guild + s.platform == total)
        #expect(s.platform == GiftSplit.standard.amounts(of: total).platform, "the platform fee does not change")
    }

    @Test("the largest total the catalog allows, at the rate's bounds")
    func largest() {
        let total = Int64.max / 10_000
        let platform = GiftSplit.standard.amounts(of: total).platform
        #expect(GiftSplit.standard.amounts(of: total, guildShareBP: 10_000) == (0, total - platform, platform))
        #expect(GiftSplit.standard.amounts(of: total, guildShareBP: 0) == (total - platform, 0, platform))
    }

    @Test("without a contract the catalog's split applies as before")
    func noContract() {
        for total in [Int64(0), 1, 999, 2997, 123_456_789] {
            #expect(GiftSplit.standard.amounts(of: total, guildShareBP: nil) == GiftSplit.standard.amounts(of: total))
        }
    }
}
