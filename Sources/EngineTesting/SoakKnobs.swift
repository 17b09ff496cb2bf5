import Foundation

/// The knobs of the long-running property, crash and fuzz tests (`SHOWRUNNER_*_SEEDS`, `_STEPS`,
/// `_CASES`, ...; README, "Soak runs"), read from the environment.
///
/// A knob that is not set gives the test's default. A knob that is set must parse: a value that
/// does not (a list where a count is meant, a typo, zero) stops the run with the variable's name
/// and the format it takes. Before, such a value was ignored and the short default run passed,
/// so a soak run could pass without having soaked anything.
public enum SoakKnobs {
    /// A value that is set and does not parse.
    public struct Malformed: Error, CustomStringConvertible, Equatable {
        public let name: String
        public let value: String
        public let format: String
        public var description: String { "\(name) is \(format), got '\(value)'" }

        public init(name: String, value: String, format: String) {
            (self.name, self.value, self.format) = (name, value, format)
        }
    }

    /// A positive count (`SHOWRUNNER_LEDGER_STEPS=1000`), or `fallback` when `name` is not set.
    public static func count(_ name: String, default fallback: Int, in environment: [String: String]) throws(Malformed) -> Int {
        guard let text = environment[name] else { return fallback }
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)), n > 0 else {
            throw Malformed(name: name, value: text, format: "a positive count")
        }
        return n
    }

    /// A seed (`SHOWRUNNER_FUZZ_SEED=7`), or `fallback` when `name` is not set.
    public static func seed(_ name: String, default fallback: UInt64, in environment: [String: String]) throws(Malformed) -> UInt64 {
        guard let text = environment[name] else { return fallback }
        guard let n = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
            throw Malformed(name: name, value: text, format: "one unsigned 64-bit seed")
        }
        return n
    }

    /// A comma-separated list of seeds (`SHOWRUNNER_LEDGER_SEEDS=1,7,42`), or `fallback` when
    /// `name` is not set. Every item must be a seed, and there must be one at least.
    public static func seeds(_ name: String, default fallback: [UInt64], in environment: [String: String]) throws(Malformed) -> [UInt64] {
        guard let text = environment[name] else { return fallback }
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard !items.isEmpty, items.allSatisfy({ $0 != nil }) else {
            throw Malformed(name: name, value: text, format: "a comma-separated list of unsigned 64-bit seeds")
        }
        return items.compactMap { $0 }
    }

    /// `count` from this process's environment; a malformed value stops the run.
    public static func count(_ name: String, default fallback: Int) -> Int {
        orStop { () throws(Malformed) in try count(name, default: fallback, in: ProcessInfo.processInfo.environment) }
    }

    /// `seed` from this process's environment; a malformed value stops the run.
    public static func seed(_ name: String, default fallback: UInt64) -> UInt64 {
        orStop { () throws(Malformed) in try seed(name, default: fallback, in: ProcessInfo.processInfo.environment) }
    }

    /// `seeds` from this process's environment; a malformed value stops the run.
    public static func seeds(_ name: String, default fallback: [UInt64]) -> [UInt64] {
        orStop { () throws(Malformed) in try seeds(name, default: fallback, in: ProcessInfo.processInfo.environment) }
    }

    /// The knobs are read where a test's arguments are made, which cannot throw: a malformed one
    /// ends the test process with its message, as a wrong flag ends a command.
    private static func orStop<T>(_ read: () throws(Malformed) -> T) -> T {
        do { return try read() } catch { fatalError("\(error)") }
    }
}
