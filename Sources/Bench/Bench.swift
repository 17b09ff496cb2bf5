import ArgumentParser
import EngineCore

/// The benchmark harness. Each benchmark runs a peer in the same process or the same run and
/// reports ratios; run it on a release build (`swift run -c release showrunner-bench ...`).
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "showrunner-bench",
        abstract: "Showrunner benchmarks, measured against a peer in the same run.",
        subcommands: [
            RuntimeBench.self, ReloadBench.self, JournalBench.self, FanoutBench.self, GiftBench.self, GiftEngineBench.self, WSFanoutBench.self,
            LiveOpsBench.self, LeaderboardBench.self, IngestBench.self, QueueBench.self, SettleBench.self,
        ])
}
