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
        (["--slices", "0"], "--slices is 1...100"), (["--slices", "101"], "--slices is 1...100"),
        (["--slices", "21"], "each at least 0.5 s"), (["--seconds", "1", "--slices", "3"], "each at least 0.5 s"),
        (["--seconds", "0"], "each at least 0.5 s"), (["--senders", "0"], "--senders is 1...1024"),
        (["--senders", "1025"], "--senders is 1...1024"), (["--warmup", "601"], "--warmup is 0...600"),
        (["--warmup=-1"], "--warmup is 0...600"), (["--synchronous", "normal"], "--synchronous is full or pipelined"),
        (["--gift-keys-flush-at", "0"], "--gift-keys-flush-at is 1..."), (["--gift-keys-flush-at", "65537"], "--gift-keys-flush-at is 1..."),
        (["--callers", "threads"], "--callers"), (["--callers", ""], "--callers"),
    ])
    func theEngineBenchRefusesOptionsOutOfRangeAsItParses(arguments: [String], says: String) {
        Self.expectRefused(arguments, says: says, parse: { _ = try GiftEngineBench.parse($0) }, message: GiftEngineBench.message(for:))
    }

    @Test(arguments: [
        ["--seconds", "20", "--slices", "40"], ["--slices", "100", "--seconds", "50"], ["--senders", "1"], ["--senders", "1024"],
        ["--warmup", "0"], ["--warmup", "600"], ["--synchronous", "full"], ["--gift-keys-flush-at", "65536"],
        ["--callers", "loops"], ["--callers", "tasks"],
    ])
    func theEngineBenchTakesEveryOptionAtTheEdgeOfItsRange(arguments: [String]) throws {
        _ = try GiftEngineBench.parse(arguments)
    }

    @Test(arguments: [
        (["--slices", "0"], "--slices is 1...100"), (["--slices", "101"], "--slices is 1...100"),
        (["--slices", "21"], "each at least 0.5 s"), (["--seconds", "1", "--slices", "3"], "each at least 0.5 s"),
    ])
    func theSocketBenchRefusesSlicesOutOfRange(arguments: [String], says: String) {
        Self.expectRefused(arguments, says: says, parse: { _ = try GiftBench.parse($0) }, message: GiftBench.message(for:))
    }

    /// A command's `parse` refuses `arguments`, with a `message` that says `says`.
    static func expectRefused(
        _ arguments: [String], says: String, parse: ([String]) throws -> Void, message: (any Error) -> String
    ) {
        do {
            try parse(arguments)
            Issue.record("\(arguments) was accepted")
        } catch {
            #expect(message(error).contains(says))
        }
    }

    @Test(arguments: [["--seconds", "20", "--slices", "40"], ["--slices", "100", "--seconds", "50"], ["--slices", "1"]])
    func theSocketBenchTakesSlicesAtTheEdgeOfTheirRange(arguments: [String]) throws {
        _ = try GiftBench.parse(arguments)
    }

    @Test func theServerArgumentsPassThroughEvenWhenTheyLookLikeFlags() throws {
        let command = try GiftBench.parse(["--server-arg", "--event-loops", "--server-arg", "1"])
        #expect(command.serverArguments == ["--event-loops", "1"])
        #expect(try GiftBench.parse([]).serverArguments.isEmpty)
    }
}
