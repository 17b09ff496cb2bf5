import EngineTesting
import Testing

/// The soak runs' knobs: unset gives the default, set must parse, and what does not parse names
/// the variable and its format instead of running the short default.
@Suite struct SoakKnobsTests {
    @Test func unsetKnobsGiveTheirDefaults() throws {
        #expect(try SoakKnobs.count("STEPS", default: 200, in: [:]) == 200)
        #expect(try SoakKnobs.seed("SEED", default: 7, in: [:]) == 7)
        #expect(try SoakKnobs.seeds("SEEDS", default: [1, 2], in: [:]) == [1, 2])
    }

    @Test func setKnobsAreRead() throws {
        #expect(try SoakKnobs.count("STEPS", default: 200, in: ["STEPS": "1000"]) == 1000)
        #expect(try SoakKnobs.count("STEPS", default: 200, in: ["STEPS": " 1 "]) == 1)
        #expect(try SoakKnobs.seed("SEED", default: 7, in: ["SEED": "18446744073709551615"]) == UInt64.max)
        #expect(try SoakKnobs.seed("SEED", default: 7, in: ["SEED": "0"]) == 0)
        #expect(try SoakKnobs.seeds("SEEDS", default: [1], in: ["SEEDS": "42"]) == [42])
        #expect(try SoakKnobs.seeds("SEEDS", default: [1], in: ["SEEDS": "3, 99 ,2024"]) == [3, 99, 2024])
    }

    @Test(arguments: ["", "0", "-1", "ten", "4000,4001", "1.5", "9223372036854775808"])
    func aCountThatDoesNotParseIsRefused(value: String) {
        #expect(throws: SoakKnobs.Malformed(name: "SHOWRUNNER_QUEUE_CRASH_SEEDS", value: value, format: "a positive count")) {
            try SoakKnobs.count("SHOWRUNNER_QUEUE_CRASH_SEEDS", default: 3, in: ["SHOWRUNNER_QUEUE_CRASH_SEEDS": value])
        }
    }

    @Test(arguments: ["", "-1", "x", "1,2", "18446744073709551616"])
    func aSeedThatDoesNotParseIsRefused(value: String) {
        #expect(throws: SoakKnobs.Malformed.self) { try SoakKnobs.seed("SEED", default: 7, in: ["SEED": value]) }
    }

    @Test(arguments: ["", ",", "1,", ",1", "1,,2", "1;2", "1,x", "-3", "18446744073709551616"])
    func aSeedListWithAnyItemThatDoesNotParseIsRefused(value: String) {
        #expect(throws: SoakKnobs.Malformed.self) { try SoakKnobs.seeds("SEEDS", default: [1], in: ["SEEDS": value]) }
    }

    @Test func theRefusalNamesTheVariableAndItsFormat() {
        let error = SoakKnobs.Malformed(name: "SHOWRUNNER_LEDGER_SEEDS", value: "a", format: "a comma-separated list of unsigned 64-bit seeds")
        #expect(error.description == "SHOWRUNNER_LEDGER_SEEDS is a comma-separated list of unsigned 64-bit seeds, got 'a'")
    }
}
