import Books
import EngineCore
import Foundation
import Synchronization

/// Where a streamer's or a guild's revenue came from. Each source is fed by journal facts; the
/// statements and the earnings page list every source, zero or not.
public enum EarningsSource: String, Sendable, CaseIterable, Codable {
    /// Gifts (`gift`, less `gift_refunded`): the streamer's revenue and the guild's share.
    case gifts
    /// Guards and other privileges paying the streamer a share (`privilege_bought`).
    case guards
    /// Paid orders ("help me play"): the revenue of every posted `order_changed`.
    case orders
    /// Partner games played in a streamer's room: the partner's `streamer_share_bp` of each
    /// debit (`partner_debit`), less what refunds took back (`partner_refund`).
    case partnerGames = "partner_games"
}

/// The earnings consumer: keeps daily aggregates of revenue per streamer and per guild, by
/// source, as the journal records it (`earnings_daily`). A gift's guild share counts for the
/// guild the receipt names; shares without a guild count for the unassigned pool (owner kind
/// `pool`), so the aggregates of every owner together equal all revenue the ledger issued
/// (`Earnings.reconcile`). A batch's additions are summed in memory per row and written once
/// per row at the batch's end (`finishBatch`), so a month of facts costs one write per owner,
/// day and source per batch, not one per fact.
///
/// The sums are made off the writer (`OffWriterConsumer`), on a read snapshot; the writer only
/// adds each row's sum (`seal`) and moves the cursor.
public struct EarningsConsumer: OffWriterConsumer {
    /// Its name, as its cursor is stored.
    static let consumerName = "earnings"
    /// The fact types it reads.
    static let factTypes: Set<String> = [
        GiftSender.giftType, GiftRefunds.refundedType, Privileges.boughtType, Orders.changedType, PartnerOrders.debitType,
        PartnerOrders.refundType,
    ]
    public let name = Self.consumerName
    public let types: Set<String>? = Self.factTypes
    let rows: any EarningsRowStore
    let calendar: OperationsCalendar
    let events: HandlerEvents
    let pending = Pending()

    /// The batch's sums not yet written: (owner kind, owner, day, source) → (amount, facts).
    final class Pending: Sendable {
        struct Key: Hashable {
            let kind: String, owner: String, day: String, source: EarningsSource
        }
        let rows = Mutex<[Key: (amount: Int64, facts: Int64)]>([:])
    }

    /// - Parameters: calendar: where the days of the aggregates begin; events: the parsed gifts,
    ///   shared with the other consumers of the store.
    public init(rows: any EarningsRowStore, calendar: OperationsCalendar, events: HandlerEvents) {
        self.rows = rows
        self.calendar = calendar
        self.events = events
    }

    struct Refunded: Decodable {
        let giftOffset: Int64
    }

    /// A partner debit or refund: the streamer's share issued or taken back (absent: no room).
    struct PartnerShare: Decodable {
        let streamerID: String?
        let streamerShare: Int64?
        enum CodingKeys: String, CodingKey {
            case streamerID = "streamer_id"
            case streamerShare = "streamer_share"
        }
    }

    struct Bought: Decodable {
        let streamerID: String?
        let streamerShareCoins: Int64
        enum CodingKeys: String, CodingKey {
            case streamerID = "streamer_id"
            case streamerShareCoins = "streamer_share_coins"
        }
    }

    /// On the writer, the batch's sums are written as an off-writer batch's are (`seal`).
    public func finishBatch(in tx: any StoreTransaction) throws { try seal()(tx) }

    public func batchRolledBack() { pending.rows.withLock { $0.removeAll(keepingCapacity: true) } }

    /// Sums `entry` into the batch from the snapshot (a refund reads its gift there, written
    /// before it).
    public func prepare(_ entry: JournalEntry, in tx: any StoreTransaction, writes: inout DeferredWrites) throws {
        try apply(entry, in: tx)
    }

    /// Takes the batch's sums; the writer adds them to their rows. The rows' additions read no
    /// memory, and nothing is kept for the next batch to read.
    public func seal() -> @Sendable (any StoreTransaction) throws -> Void {
        let rows = pending.rows.withLock { rows in
            defer { rows.removeAll(keepingCapacity: true) }
            return rows
        }
        let store = self.rows
        return { tx in
            for (k, v) in rows {
                try store.add(in: tx, kind: k.kind, owner: k.owner, day: k.day, source: k.source, amount: v.amount, facts: v.facts)
            }
        }
    }

    /// Sums are folded per row in memory, so a wider batch writes fewer rows per fact.
    public var widensBatches: Bool { true }

    /// Earnings are read by day and month: the batches may be spaced wide.
    public var pace: ConsumerPace { .bulk }

    public func settled(committed: Bool) { pending.rows.withLock { $0.removeAll(keepingCapacity: true) } }

    public func apply(_ entry: JournalEntry, in tx: any StoreTransaction) throws {
        let day = calendar.key(.daily, at: entry.createdAt)
        switch entry.type {
        case GiftSender.giftType:
            // The amounts only: a sent gift's receipt as the other consumers read it, parsed once
            // for all (anything unusual through the general reader, which reports the problem).
            if case .gift(let receipt) = try events.handlerEvent(entry) {
                try addGift(receipt, day: day, sign: 1)
            } else {
                try addGift(try entry.giftReceipt(), day: day, sign: 1)
            }
        case GiftRefunds.refundedType:
            let refund = try entry.decodePayload(as: Refunded.self)
            guard let gift = try tx.journal.entry(at: refund.giftOffset), gift.type == GiftSender.giftType else {
                throw JournalError.invalidPayload(reason: "offset \(entry.offset): the refunded offset \(refund.giftOffset) is not a gift")
            }
            try addGift(try gift.giftReceipt(), day: day, sign: -1)
        case Privileges.boughtType:
            let bought = try entry.decodePayload(as: Bought.self)
            if bought.streamerShareCoins > 0, let streamer = bought.streamerID {
                try add(kind: "streamer", owner: streamer, day: day, source: .guards, amount: bought.streamerShareCoins)
            }
        case Orders.changedType:
            // A posted order issued its revenue (the price less the fee) to its streamer, on the
            // day of the change that settled it.
            let changed = try entry.decodePayload(as: OrderChanged.self)
            if changed.change.settle == .post, let revenue = changed.change.revenue, revenue > 0 {
                try add(kind: "streamer", owner: changed.order.streamerID, day: day, source: .orders, amount: revenue)
            }
        case PartnerOrders.debitType, PartnerOrders.refundType:
            // A game played in a room: the partner's share to the room's streamer, taken back
            // in part by each refund.
            let p = try entry.decodePayload(as: PartnerShare.self)
            if let streamer = p.streamerID, let share = p.streamerShare, share > 0 {
                let sign: Int64 = entry.type == PartnerOrders.debitType ? 1 : -1
                try add(kind: "streamer", owner: streamer, day: day, source: .partnerGames, amount: sign * share)
            }
        default: return
        }
    }

    func addGift(_ r: GiftReceipt, day: String, sign: Int64) throws {
        let streamer = r.streamerRevenue > 0 ? Pending.Key(kind: "streamer", owner: r.streamerID, day: day, source: .gifts) : nil
        let guild = r.guildShare > 0
            ? r.guildID.map { Pending.Key(kind: "guild", owner: $0, day: day, source: .gifts) }
                ?? Pending.Key(kind: "pool", owner: SystemAccount.guildShares.rawValue, day: day, source: .gifts)
            : nil
        try add(streamer, sign * r.streamerRevenue, guild, sign * r.guildShare)
    }

    /// Adds to the batch's sum of a row.
    /// - Throws: `JournalError.invalidPayload` when the sum would overflow.
    func add(kind: String, owner: String, day: String, source: EarningsSource, amount: Int64) throws {
        try add(Pending.Key(kind: kind, owner: owner, day: day, source: source), amount, nil, 0)
    }

    /// Adds to one or two rows' sums, both or neither (one entry's rows).
    func add(_ first: Pending.Key?, _ a: Int64, _ second: Pending.Key?, _ b: Int64) throws {
        let overflowing = pending.rows.withLock { rows -> Pending.Key? in
            var x: (amount: Int64, facts: Int64)?
            if let first {
                let old = rows[first] ?? (0, 0)
                let (sum, overflow) = old.amount.addingReportingOverflow(a)
                guard !overflow else { return first }
                x = (sum, old.facts + 1)
            }
            if let second {
                let old = rows[second] ?? (0, 0)
                let (sum, overflow) = old.amount.addingReportingOverflow(b)
                guard !overflow else { return second }
                rows[second] = (sum, old.facts + 1)
            }
            if let first, let x { rows[first] = x }
            return nil
        }
        if let k = overflowing { throw JournalError.invalidPayload(reason: "earnings of \(k.kind) \(k.owner) on \(k.day) overflow") }
    }

}

/// One day of a streamer's or a guild's earnings.
public struct EarningsDay: Sendable, Codable, Equatable {
    public var day: String
    /// Revenue by source (every source, zero or not).
    public var revenue: [String: Int64]
    public var total: Int64
    /// Minutes live that day (sessions cut at midnight in the operations calendar).
    public var liveMinutes: Int64
    /// The longest continuous live stretch that day, in minutes.
    public var longestMinutes: Int64

    enum CodingKeys: String, CodingKey {
        case day, revenue, total
        case liveMinutes = "live_minutes"
        case longestMinutes = "longest_minutes"
    }
}

/// A streamer's month so far (`GET /v1/streamers/me/earnings?month=`).
public struct EarningsMonth: Sendable, Codable, Equatable {
    public var streamerID: String
    public var month: String
    public var days: [EarningsDay]
    public var revenue: [String: Int64]
    public var total: Int64
    public var liveMinutes: Int64
    /// Days whose longest continuous live stretch reached the policy's `valid_day_minutes`.
    public var validDays: Int64
    /// The threshold used for `valid_days`, in minutes.
    public var validDayMinutes: Int64

    enum CodingKeys: String, CodingKey {
        case month, days, revenue, total
        case streamerID = "streamer_id"
        case liveMinutes = "live_minutes"
        case validDays = "valid_days"
        case validDayMinutes = "valid_day_minutes"
    }
}

/// Reads of the earnings aggregates and the live minutes beside them.
public struct Earnings: Sendable {
    let store: any SettlementStore
    let calendar: OperationsCalendar
    let clock: any WallClock

    /// Minutes of continuous live a day needs to be valid when no policy says otherwise.
    public static let validDayMinutesDefault: Int64 = 60

    /// - Parameters: store: where the aggregates and live sessions are read; calendar: where
    ///   days begin; clock: how far an open live session counts.
    public init(store: any SettlementStore, calendar: OperationsCalendar = OperationsCalendar(), clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.calendar = calendar
        self.clock = clock
    }

    /// A streamer's month, day by day.
    /// - Throws: `RequestError` 400 `invalid_month`.
    public func month(streamer: String, month: String, validDayMinutes: Int64 = validDayMinutesDefault) async throws -> EarningsMonth {
        guard let m = SettlementCalendar.month(month) else { throw RequestError("invalid_month", .badRequest, "month: YYYY-MM") }
        let calendar = self.calendar
        let now = clock.nowMillis()
        return try await store.read { tx in
            try Self.month(tx, streamer: streamer, m, calendar: calendar, validDayMinutes: validDayMinutes, now: now)
        }
    }

    static func month(
        _ tx: any SettlementTransaction, streamer: String, _ m: (year: Int, month: Int), calendar: OperationsCalendar, validDayMinutes: Int64,
        now: Int64
    ) throws -> EarningsMonth {
        let days = SettlementCalendar.days(of: m)
        let revenue = try tx.earnings(streamer: streamer, days: days)
        let live = LiveMinutes.of(try tx.liveSessions(streamer: streamer), days: days, calendar: calendar, now: now)
        var out = EarningsMonth(streamerID: streamer, month: SettlementCalendar.monthOf(day: days[0]), days: [], revenue: Self.zero, total: 0,
            liveMinutes: 0, validDays: 0, validDayMinutes: validDayMinutes)
        for day in days {
            var r = Self.zero
            for (k, v) in revenue[day] ?? [:] { r[k, default: 0] += v }
            let total = r.values.reduce(0, +)
            let minutes = live[day] ?? (0, 0)
            out.days.append(EarningsDay(day: day, revenue: r, total: total, liveMinutes: minutes.total, longestMinutes: minutes.longest))
            for (k, v) in r { out.revenue[k, default: 0] += v }
            out.total += total
            out.liveMinutes += minutes.total
            if minutes.longest >= validDayMinutes { out.validDays += 1 }
        }
        return out
    }

    package static var zero: [String: Int64] { Dictionary(uniqueKeysWithValues: EarningsSource.allCases.map { ($0.rawValue, Int64(0)) }) }

    /// Checks the aggregates against the ledger: every owner's earnings together equal all
    /// revenue issued (minus `system:revenue_issuance:revenue`'s balance), and each guild's equal
    /// its `guild:<id>:revenue` balance less the settlement payouts posted to it. Meaningful once
    /// the consumer is caught up. Returns the differences found (empty: clean).
    public func reconcile() async throws -> [String] {
        try await store.read { tx in
            var problems: [String] = []
            let earned = try tx.earningsTotal()
            let issued = -(try tx.revenueIssuanceBalance())
            if earned != issued { problems.append("earnings total \(earned) != revenue issued \(issued)") }
            // Each guild's: its account's balance less what settlement posted to it.
            let earnedByGuilds = try tx.guildEarnings()
            for (guild, balance, settled) in try tx.guildRevenueAccounts() {
                let earnedByGuild = earnedByGuilds[guild] ?? 0
                if balance - settled != earnedByGuild {
                    problems.append("guild \(guild): earnings \(earnedByGuild) != revenue balance \(balance) less settlement payouts \(settled)")
                }
            }
            return problems
        }
    }
}

/// Live minutes per operations day, from the live sessions (an open session counts up to now).
enum LiveMinutes {
    /// `(total, longest)` minutes per day of `days` (sorted, consecutive), from a streamer's
    /// `sessions` in start order.
    static func of(_ sessions: [LiveSpan], days: [String], calendar: OperationsCalendar, now: Int64) -> [String: (total: Int64, longest: Int64)] {
        guard let first = days.first, let last = days.last else { return [:] }
        var out: [String: (total: Int64, longest: Int64)] = [:]
        let end = now
        for session in sessions {
            var start = session.startedAt
            let stop = session.endedAt ?? end
            while start < stop {
                let day = calendar.key(.daily, at: start)
                let dayEnd = min(calendar.end(.daily, at: start) ?? stop, stop)
                if day >= first && day <= last {
                    let minutes = (dayEnd - start) / 60_000
                    var v = out[day] ?? (0, 0)
                    v.total += minutes
                    v.longest = max(v.longest, minutes)
                    out[day] = v
                }
                if day > last { break }
                start = dayEnd
            }
        }
        return out
    }
}
