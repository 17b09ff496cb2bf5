import Foundation
import Synchronization

/// How often a leaderboard or a task starts over.
public enum ResetPeriod: String, Sendable, Hashable, CaseIterable {
    /// One period for ever (`"all"`).
    case never
    /// A calendar day in the operations time zone (`"2027-01-20"`).
    case daily
    /// An ISO week, Monday first, in the operations time zone (`"2027-W03"`).
    case weekly
    /// A calendar month in the operations time zone (`"2027-01"`).
    case monthly
    /// The activity's window (`"window"`), closed when the activity ends.
    case window
    /// A task done once per user (`"once"`).
    case once
}

/// The platform's calendar: where days, weeks and months begin. Every period key and every
/// reset is computed here, from the ledger's or the journal's clock, never from the wall clock
/// of the machine.
public struct OperationsCalendar: Sendable, Hashable {
    /// The configured zone, e.g. `Asia/Shanghai`.
    public let timeZone: TimeZone
    /// The last period computed per kind: events arrive in time order, so nearly every lookup
    /// is a hit and costs two comparisons instead of a Foundation calendar computation.
    private let recent = Recent()

    final class Recent: Sendable {
        struct Hit { let start: Int64; let end: Int64; let key: String }
        let hits = Mutex<[ResetPeriod: Hit]>([:])
    }

    /// - Parameter timeZone: where days begin (UTC by default).
    public init(timeZone: TimeZone = TimeZone(identifier: "UTC")!) { self.timeZone = timeZone }

    public static func == (a: OperationsCalendar, b: OperationsCalendar) -> Bool { a.timeZone == b.timeZone }
    public func hash(into h: inout Hasher) { h.combine(timeZone) }

    /// A calendar by zone identifier (`Asia/Shanghai`, `UTC`, `+08:00` style offsets are not
    /// accepted: name the zone so daylight saving rules apply).
    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.init(timeZone: zone)
    }

    private var gregorian: Calendar {
        var c = Calendar(identifier: .iso8601)
        c.timeZone = timeZone
        return c
    }

    /// The key of the period that contains `millis`.
    public func key(_ period: ResetPeriod, at millis: Int64) -> String {
        switch period {
        case .never: return "all"
        case .window: return "window"
        case .once: return "once"
        case .daily, .weekly, .monthly: break
        }
        if let hit = recent.hits.withLock({ $0[period] }), hit.start <= millis, millis < hit.end { return hit.key }
        let key = computeKey(period, at: millis)
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        let component: Calendar.Component = period == .daily ? .day : period == .weekly ? .weekOfYear : .month
        if let interval = gregorian.dateInterval(of: component, for: date) {
            let hit = Recent.Hit(
                start: Int64((interval.start.timeIntervalSince1970 * 1000).rounded()),
                end: Int64((interval.end.timeIntervalSince1970 * 1000).rounded()), key: key)
            recent.hits.withLock { $0[period] = hit }
        }
        return key
    }

    private func computeKey(_ period: ResetPeriod, at millis: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        let c = gregorian.dateComponents([.year, .month, .day, .yearForWeekOfYear, .weekOfYear], from: date)
        switch period {
        case .daily: return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        case .weekly: return String(format: "%04d-W%02d", c.yearForWeekOfYear ?? 0, c.weekOfYear ?? 0)
        default: return String(format: "%04d-%02d", c.year ?? 0, c.month ?? 0)
        }
    }

    /// When the period containing `millis` ends (exclusive), or nil for periods without a
    /// calendar end (`never`, `window`, `once`).
    public func end(_ period: ResetPeriod, at millis: Int64) -> Int64? {
        let component: Calendar.Component
        switch period {
        case .daily: component = .day
        case .weekly: component = .weekOfYear
        case .monthly: component = .month
        case .never, .window, .once: return nil
        }
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        guard let interval = gregorian.dateInterval(of: component, for: date) else { return nil }
        return Int64((interval.end.timeIntervalSince1970 * 1000).rounded())
    }
}
