import ArgumentParser
import Engine
import EngineCore
import Foundation
import Logging
import Scripting

/// `showrunner replay --scripts DIR --from T --to T [--db FILE]`: what a candidate scripts folder
/// would have produced over a recorded window, next to what the live generation produced. Runs
/// in a scratch copy; the live database is only read.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "What-if: run candidate scripts over a recorded journal window in a scratch copy.")

    @Option(help: "Candidate scripts folder.") var scripts: String
    @Option(help: "Window start, ISO 8601 with offset (e.g. 2027-01-20T00:00:00+08:00).") var from: String
    @Option(help: "Window end (exclusive), ISO 8601 with offset.") var to: String
    @Option(help: "Live SQLite database (read only).") var db = "showrunner.sqlite"
    @Option(help: "Operations time zone (where days begin), as the server runs with.") var timeZone = "UTC"
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        guard let fromMs = Timestamps.millis(from) else { throw ValidationError("--from: not an ISO 8601 time with an offset: \(from)") }
        guard let toMs = Timestamps.millis(to) else { throw ValidationError("--to: not an ISO 8601 time with an offset: \(to)") }
        guard let calendar = OperationsCalendar(identifier: timeZone) else { throw ValidationError("unknown --time-zone '\(timeZone)'") }
        var logger = Logger(label: "showrunner.replay")
        logger.logLevel = .error
        let outcome: WhatIfReplay.Outcome
        do {
            outcome = try await WhatIfReplay.run(
                .init(databasePath: db, scriptsPath: scripts, from: fromMs, to: toMs, calendar: calendar), logger: logger)
        } catch let rejected as GenerationRejected {
            for p in rejected.problems { print("\(p)") }
            throw ExitCode(65)
        } catch let e as any ShowrunnerError {
            print("replay: \(e.message)")
            throw ExitCode(64)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(outcome), as: UTF8.self))
        } else {
            print(Self.text(outcome, from: from, to: to))
        }
    }

    static func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(1, n - s.count)) }

    static func cell(_ rows: [RankedRow]?, _ i: Int) -> String {
        guard let rows, i < rows.count else { return "-" }
        return "\(rows[i].entry.member) \(rows[i].entry.score)"
    }

    static func text(_ o: WhatIfReplay.Outcome, from: String, to: String) -> String {
        var out = "what-if replay \(from) .. \(to): \(o.entries) journal entries, candidate generation \(o.candidateGeneration)\n"
        out += "\nleaderboards (top \(WhatIfReplay.rowsPerBoard))\n"
        var keys = Set(o.candidate.boards.map { "\($0.activity)/\($0.board)@\($0.period)" })
        keys.formUnion(o.live.boards.map { "\($0.activity)/\($0.board)@\($0.period)" })
        if keys.isEmpty { out += "  (none)\n" }
        for key in keys.sorted() {
            let c = o.candidate.boards.first { "\($0.activity)/\($0.board)@\($0.period)" == key }
            let l = o.live.boards.first { "\($0.activity)/\($0.board)@\($0.period)" == key }
            out += "  \(key)  candidate: \(c?.members ?? 0) members, live: \(l?.members ?? 0) members\n"
            out += "    " + pad("rank", 6) + pad("candidate", 34) + "live\n"
            let count = max(c?.rows.count ?? 0, l?.rows.count ?? 0)
            for i in 0..<count {
                let left: String = cell(c?.rows, i)
                let right: String = cell(l?.rows, i)
                out += "    " + pad(String(i + 1), 6) + pad(left, 34) + right + "\n"
            }
        }
        out += "\nrewards paid by activities (user asset: candidate / live)\n"
        var rewardKeys = Set(o.candidate.rewards.map { "\($0.user) \($0.asset)" })
        rewardKeys.formUnion(o.live.rewards.map { "\($0.user) \($0.asset)" })
        if rewardKeys.isEmpty { out += "  (none)\n" }
        for k in rewardKeys.sorted() {
            let c = o.candidate.rewards.first { "\($0.user) \($0.asset)" == k }?.amount ?? 0
            let l = o.live.rewards.first { "\($0.user) \($0.asset)" == k }?.amount ?? 0
            out += "  \(k): \(c) / \(l)\(c == l ? "" : "  (\(c - l > 0 ? "+" : "")\(c - l))")\n"
        }
        out += "\ntask completions (task stage: users candidate / live)\n"
        var stageKeys = Set(o.candidate.completions.map { "\($0.task) \($0.stage)" })
        stageKeys.formUnion(o.live.completions.map { "\($0.task) \($0.stage)" })
        if stageKeys.isEmpty { out += "  (none)\n" }
        for k in stageKeys.sorted(by: { $0.localizedStandardCompare($1) == .orderedAscending }) {
            let c = o.candidate.completions.first { "\($0.task) \($0.stage)" == k }?.users ?? 0
            let l = o.live.completions.first { "\($0.task) \($0.stage)" == k }?.users ?? 0
            out += "  \(k): \(c) / \(l)\n"
        }
        if !o.errors.isEmpty {
            out += "\ncandidate errors (entries it would have parked)\n"
            for e in o.errors { out += "  \(e)\n" }
        }
        return out
    }
}
