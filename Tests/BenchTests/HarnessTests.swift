import ArgumentParser
import Testing
@testable import Bench

/// The benchmark harness's own arithmetic and limits: a result's rate and percentiles, slices
/// merged into one measurement, and the options it refuses before it starts anything.
@Suite struct HarnessTests {
    @Test func aRunsRateAndPercentilesComeFromItsLatencies() {
        let r = LoadResult(ok: 90, errors: 10, latencies: (1...100).reversed().map(Double.init), seconds: 2)
        #expect(r.rate == 45)
        #expect(r.p50 == 51)
        #expect(r.p99 == 100)
        #expect(r.errors == 10)
    }

    @Test func aRunWithoutTimeOrLatenciesIsZeroNotACrash() {
        let r = LoadResult(ok: 0, errors: 0, latencies: [], seconds: 0)
        #expect(r.rate == 0)
        #expect(r.p50 == 0 && r.p99 == 0)
    }

    @Test func slicesMergeIntoOneMeasurement() {
        let a = LoadResult(ok: 100, errors: 1, latencies: Array(repeating: 1, count: 101), seconds: 1)
        let b = LoadResult(ok: 300, errors: 2, latencies: Array(repeating: 3, count: 302), seconds: 3)
        let m = LoadResult.merged([a, b])
        // Requests over time together: not the mean of the two rates (100 and 100 here by luck,
        // so a third slice makes the difference).
        #expect(m.rate == 100)
        #expect(m.errors == 3)
        #expect(m.p50 == 3)
        #expect(m.p99 == 3)
        let c = LoadResult(ok: 50, errors: 0, latencies: Array(repeating: 9, count: 50), seconds: 1)
        let n = LoadResult.merged([a, b, c])
        #expect(n.rate == 90)
        #expect(n.p99 == 9)
        #expect(n.p50 == 3)
    }

    @Test func oneSliceIsItselfAndNoneIsZero() {
        let a = LoadResult(ok: 10, errors: 0, latencies: [2, 1], seconds: 5)
        let m = LoadResult.merged([a])
        #expect(m.rate == a.rate && m.p50 == a.p50 && m.p99 == a.p99)
        #expect(LoadResult.merged([]).rate == 0)
    }

    @Test(arguments: [
        ["--slices", "0"], ["--slices", "101"], ["--slices", "21"], ["--seconds", "1", "--slices", "3"],
        ["--warmup", "601"], ["--warmup=-1"], ["--synchronous", "normal"], ["--gift-keys-flush-at", "0"],
    ])
    func theEngineBenchRefusesOptionsOutOfRange(arguments: [String]) async throws {
        let command = try GiftEngineBench.parse(arguments)
        await #expect(throws: ValidationError.self) { try await command.run() }
    }

    @Test func theEngineBenchTakesSlicesOfHalfASecondAtLeast() throws {
        let command = try GiftEngineBench.parse(["--seconds", "20", "--slices", "40"])
        #expect(command.slices == 40)
        #expect(command.seconds / Double(command.slices) == 0.5)
    }

    @Test func theServerArgumentsPassThroughEvenWhenTheyLookLikeFlags() throws {
        let command = try GiftBench.parse(["--server-arg", "--event-loops", "--server-arg", "1"])
        #expect(command.serverArguments == ["--event-loops", "1"])
        #expect(try GiftBench.parse([]).serverArguments.isEmpty)
    }
}
