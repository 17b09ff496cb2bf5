import Books
import EngineCore
import Foundation
import Scripting

/// The monthly close. `run` computes draft statements for every streamer and guild of a month
/// from its facts (the earnings aggregates, guild contracts, live sessions, adjustments) and the
/// current `settlement_policy`; `confirm` freezes the month and posts the payouts through the
/// ledger; `adjust` records finance's corrections (landing in the next open month once the
/// month is frozen). Re-running an unconfirmed month with the same inputs gives the same
/// statements: each keeps a hash of its inputs and the policy generation.
public struct Settlement: Sendable {
    /// Most statements one month may have (streamers and guilds together).
    public static let statementsMax = 1_000_000
    /// Longest adjustment reason, in bytes.
    public static let reasonBytesMax = 200

    let store: any SettlementStore
    let calendar: OperationsCalendar
    let clock: any WallClock
    /// Days of a month (from the 1st) in which streamers ask for withdrawals of the month before.
    public let withdrawalWindowDays: Int

    /// - Parameters: store: where the close is kept (its transactions carry the ledger payouts
    ///   and withdrawals move through); calendar: where days and months begin; clock: the time
    ///   of writes; withdrawalWindowDays: the withdrawal window, days 1...n of a month (1...28).
    public init(
        store: any SettlementStore, calendar: OperationsCalendar = OperationsCalendar(), clock: any WallClock = SystemWallClock(),
        withdrawalWindowDays: Int = Settlement.withdrawalWindowDaysDefault
    ) {
        precondition((1...28).contains(withdrawalWindowDays), "withdrawalWindowDays must be 1...28")
        self.store = store
        self.calendar = calendar
        self.clock = clock
        self.withdrawalWindowDays = withdrawalWindowDays
    }

    static func parse(_ month: String) throws -> (year: Int, month: Int) {
        guard let m = SettlementCalendar.month(month) else { throw RequestError("invalid_month", .badRequest, "month: YYYY-MM") }
        return m
    }

    static func frozen(_ month: String) -> RequestError {
        RequestError("month_confirmed", .conflict, "\(month) is confirmed: its statements never change; adjust instead (it lands in the next open month)")
    }

    // MARK: Inputs

    /// The facts of a month, gathered per owner: what the policy is called with.
    struct Inputs {
        var streamers: [StreamerMonth]
        var guilds: [GuildMonth]
        var adjustments: [String: Int64]
        var guildRevenue: [String: Int64]
        /// Withdrawals asked for the month, per streamer.
        var withdrawn: [String: Int64]

        static func key(_ kind: String, _ id: String) -> String { "\(kind):\(id)" }
    }

    /// Milliseconds of a month's first instant and of the next month's, in the operations calendar.
    func bounds(_ m: (year: Int, month: Int)) -> (Int64, Int64) {
        var c = Calendar(identifier: .iso8601)
        c.timeZone = calendar.timeZone
        let start = c.date(from: DateComponents(year: m.year, month: m.month, day: 1)) ?? Date(timeIntervalSince1970: 0)
        let end = c.date(byAdding: .month, value: 1, to: start) ?? start
        return (Int64((start.timeIntervalSince1970 * 1000).rounded()), Int64((end.timeIntervalSince1970 * 1000).rounded()))
    }

    func gather(_ tx: any SettlementTransaction, _ m: (year: Int, month: Int), validDayMinutes: Int64, now: Int64) throws -> Inputs {
        let month = String(format: "%04d-%02d", m.year, m.month)
        let days = SettlementCalendar.days(of: m)
        let (first, last) = (days[0], days[days.count - 1])
        // Per streamer: revenue per day of the month and per source; per guild: per source.
        // Bounded by owners (a fixed-size record each), not facts.
        struct Acc {
            var byDay: [Int64]
            var bySource: [String: Int64]
        }
        let dayIndex = Dictionary(uniqueKeysWithValues: days.enumerated().map { ($0.element, $0.offset) })
        var streamerDays: [String: Acc] = [:]
        var guildSources: [String: [String: Int64]] = [:]
        try tx.forEachEarning(from: first, through: last) { row in
            let (kind, owner, day, source, amount) = (row.ownerKind, row.ownerID, row.day, row.source, row.amount)
            if kind == "streamer" {
                guard let i = dayIndex[day] else { return }
                streamerDays[owner, default: Acc(byDay: Array(repeating: 0, count: days.count), bySource: [:])].byDay[i] += amount
                streamerDays[owner]?.bySource[source, default: 0] += amount
            } else {
                guildSources[owner, default: [:]][source, default: 0] += amount
            }
        }
        let contracts = try tx.contracts(from: first, through: last)
        // Live minutes per streamer per day, from the sessions overlapping the month.
        let (startMs, endMs) = bounds(m)
        var live: [String: [String: (total: Int64, longest: Int64)]] = [:]
        try tx.forEachLiveSession(from: startMs, until: endMs) { session in
            let streamer = session.streamerID
            var start = max(session.startedAt, startMs)
            let stop = min(session.endedAt ?? now, endMs)
            while start < stop {
                let day = calendar.key(.daily, at: start)
                let dayEnd = min(calendar.end(.daily, at: start) ?? stop, stop)
                let minutes = (dayEnd - start) / 60_000
                var v = live[streamer]?[day] ?? (0, 0)
                v.total += minutes
                v.longest = max(v.longest, minutes)
                live[streamer, default: [:]][day] = v
                start = dayEnd
            }
        }
        var adjustments: [String: Int64] = [:]
        for row in try tx.adjustmentSums(month: month) {
            adjustments[Inputs.key(row.ownerKind, row.ownerID)] = row.amount
        }
        let withdrawn = try withdrawnAfterImport(tx, month, now: now)
        var streamerIDs = Set(streamerDays.keys).union(contracts.keys).union(live.keys).union(withdrawn.keys)
        for key in adjustments.keys where key.hasPrefix("streamer:") { streamerIDs.insert(String(key.dropFirst(9))) }
        var guildMembers: [String: [GuildMonth.Member]] = [:]
        var streamers: [StreamerMonth] = []
        streamers.reserveCapacity(streamerIDs.count)
        let zero = Earnings.zero
        for id in streamerIDs.sorted() {
            let acc = streamerDays[id]
            var bySource = zero
            for (s, v) in acc?.bySource ?? [:] { bySource[s, default: 0] += v }
            let revenue = bySource.values.reduce(0, +)
            let liveDays = live[id] ?? [:]
            let minutes = liveDays.values.reduce(0) { $0 + $1.total }
            let valid = Int64(liveDays.values.filter { $0.longest >= validDayMinutes }.count)
            var parts: [StreamerMonth.GuildPart] = []
            var lastContract: GuildContract?
            for c in contracts[id] ?? [] {
                let covered = days.indices.filter { c.covers(days[$0]) }
                guard !covered.isEmpty else { continue }
                let rev = covered.reduce(Int64(0)) { sum, i in sum + (acc?.byDay[i] ?? 0) }
                if let i = parts.firstIndex(where: { $0.guildID == c.guildID }) {
                    parts[i].days += Int64(covered.count)
                    parts[i].revenue += rev
                } else {
                    parts.append(StreamerMonth.GuildPart(guildID: c.guildID, days: Int64(covered.count), revenue: rev))
                }
                guildMembers[c.guildID, default: []].append(GuildMonth.Member(
                    streamerID: id, days: Int64(covered.count), revenue: rev, exclusive: c.exclusive, shareBP: c.shareBP))
                lastContract = c
            }
            streamers.append(StreamerMonth(
                streamerID: id, month: month, days: Int64(days.count), minutes: minutes, hours: minutes / 60, validDays: valid,
                revenueBySource: bySource, revenue: revenue, guildID: lastContract?.guildID, exclusive: lastContract?.exclusive ?? false,
                baseSalary: lastContract?.baseSalary ?? 0, shareBP: lastContract?.shareBP ?? 0, guilds: parts))
        }
        var guildIDs = Set(guildMembers.keys).union(guildSources.keys)
        for key in adjustments.keys where key.hasPrefix("guild:") { guildIDs.insert(String(key.dropFirst(6))) }
        var guilds: [GuildMonth] = []
        var guildRevenue: [String: Int64] = [:]
        for id in guildIDs.sorted() {
            var bySource = zero
            for (s, v) in guildSources[id] ?? [:] { bySource[s, default: 0] += v }
            let revenue = bySource.values.reduce(0, +)
            guildRevenue[id] = revenue
            // A member who left and came back in the month is one member with the days summed.
            var members: [GuildMonth.Member] = []
            for m in guildMembers[id] ?? [] {
                if let i = members.firstIndex(where: { $0.streamerID == m.streamerID }) {
                    members[i].days += m.days
                    members[i].revenue += m.revenue
                } else {
                    members.append(m)
                }
            }
            guilds.append(GuildMonth(guildID: id, month: month, revenue: revenue, revenueBySource: bySource, members: members))
        }
        return Inputs(streamers: streamers, guilds: guilds, adjustments: adjustments, guildRevenue: guildRevenue, withdrawn: withdrawn)
    }

    /// Whether the earnings consumer still has facts of its types recorded before `before` (ms)
    /// to apply: those are the facts a month ending then depends on (facts count on the day
    /// they were recorded). Facts recorded later, which a live server keeps adding, do not hold
    /// the month's run. Reads only the journal past the consumer's cursor.
    static func earningsBehind(_ tx: any SettlementTransaction, before: Int64) throws -> Bool {
        try tx.journalBehind(consumer: EarningsConsumer.consumerName, types: EarningsConsumer.factTypes.sorted(), before: before)
    }

    /// Whether the earnings consumer has applied every fact `month` depends on so far (those
    /// recorded before the month's end, or before now in a month still running): a run then
    /// does not stop on `earnings_behind`.
    /// - Throws: `RequestError` 400 `invalid_month`.
    public func earningsCaughtUp(month: String) async throws -> Bool {
        let m = try Self.parse(month)
        let before = min(bounds(m).1, clock.nowMillis())
        return try await store.read { tx in try !Self.earningsBehind(tx, before: before) }
    }

    /// The inputs as canonical JSON, and the hash of that JSON with the adjustments and the
    /// policy generation.
    static func hash(_ inputs: some Encodable, adjustments: Int64, withdrawn: Int64, generation: String) throws -> (json: String, hash: String) {
        let json = Array(try JSONEncoder.sorted.encode(inputs))
        return (String(decoding: json, as: UTF8.self), SHA256.hex(json + Array("\u{0}\(adjustments)\u{0}\(withdrawn)\u{0}\(generation)".utf8)))
    }

    // MARK: Run

    /// Computes the month's draft statements with `generation`'s policy and replaces any drafts
    /// before them; the month is then `pending_review`. `progress(done, total)` is called as
    /// owners are settled. A policy that fails stops the run and writes nothing. After the
    /// withdrawal window, withdrawals the sweep has not imported yet are imported with the
    /// statements (the fallback).
    /// - Throws: `RequestError` 400 `invalid_month`, 409 `month_confirmed`, 409
    ///   `no_settlement_policy`, 409 `earnings_behind` (facts recorded before the month's end
    ///   not yet applied: drain the consumers first), 409 `withdrawals_changed` (a withdrawal
    ///   was asked or released while the run computed: run again), 422
    ///   `too_many_statements`; `ScriptFailure` naming `path:line`.
    public func run(
        month: String, generation: ScriptGeneration, by: String, progress: @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> SettlementMonth {
        let m = try Self.parse(month)
        let month = String(format: "%04d-%02d", m.year, m.month)
        let policy = try SettlementPolicy(generation)
        let now = clock.nowMillis()
        // The month shows `calculating` while the run lasts (a run that stops on a crash leaves it
        // so: run again); a run that fails puts the state back and writes nothing else.
        let previous: SettlementState = try await store.write { tx in
            let state = try tx.state(month: month)
            if state.isFrozen { throw Self.frozen(month) }
            try tx.setState(month: month, .calculating, by: by, now: now, generation: nil, hash: nil)
            return state
        }
        do {
            return try await calculate(month: month, m, policy: policy, generation: generation, by: by, now: now, progress: progress)
        } catch {
            try? await store.write { tx in
                if try tx.state(month: month) == .calculating { try tx.setState(month: month, previous, by: by, now: now, generation: nil, hash: nil) }
            }
            throw error
        }
    }

    func calculate(
        month: String, _ m: (year: Int, month: Int), policy: SettlementPolicy, generation: ScriptGeneration, by: String, now: Int64,
        progress: @Sendable (Int, Int) -> Void
    ) async throws -> SettlementMonth {
        let validDayMinutes = policy.validDayMinutes
        // Read the inputs (and see that the month is not frozen) in one snapshot.
        let inputs: Inputs = try await store.read { tx in
            if try tx.state(month: month).isFrozen { throw Self.frozen(month) }
            if try Self.earningsBehind(tx, before: min(self.bounds(m).1, now)) {
                throw RequestError("earnings_behind", .conflict, "the earnings consumer has not caught up with the journal; drain the consumers first")
            }
            return try self.gather(tx, m, validDayMinutes: validDayMinutes, now: now)
        }
        let total = inputs.streamers.count + inputs.guilds.count
        guard total <= Self.statementsMax else {
            throw RequestError("too_many_statements", .unprocessable, "\(total) statements: at most \(Self.statementsMax) per month")
        }
        let settled = try settle(inputs, month: month, policy: policy, generation: generation.hash, now: now, progress: progress)
        let statements = settled.map(\.0)
        let monthHash = SHA256.hex(Array(statements.map(\.inputsHash).joined(separator: "\n").utf8))
        try await store.write { tx in
            if try tx.state(month: month).isFrozen { throw Self.frozen(month) }
            // After the withdrawal window the month's requests are imported (the sweep's work,
            // done here if it has not been yet): their reservations post.
            if self.windowClosed(for: month, now: now) { _ = try self.importWithdrawals(tx, month, now: now) }
            guard try tx.withdrawn(month: month) == inputs.withdrawn else {
                throw RequestError("withdrawals_changed", .conflict, "\(month)'s withdrawals changed while its run computed: run it again")
            }
            try tx.replaceStatements(month: month, settled)
            try tx.setState(month: month, .pendingReview, by: by, now: now, generation: generation.hash, hash: monthHash)
        }
        return SettlementMonth(month: month, state: .pendingReview, policyGeneration: generation.hash, inputsHash: monthHash, statements: statements)
    }

    func settle(
        _ inputs: Inputs, month: String, policy: SettlementPolicy, generation: String, now: Int64, progress: @Sendable (Int, Int) -> Void
    ) throws -> [(SettlementStatement, String)] {
        let total = inputs.streamers.count + inputs.guilds.count
        var out: [(SettlementStatement, String)] = []
        out.reserveCapacity(total)
        try policy.generation.withTransactionVM { vm in
            for s in inputs.streamers {
                let r = try policy.streamer(s, vm: vm, now: now)
                let adjustments = inputs.adjustments[Inputs.key("streamer", s.streamerID)] ?? 0
                var parts = ["base_salary": r.baseSalary, "bonus": r.bonus, "revenue_share": r.revenueShare, "subsidy": r.subsidy]
                parts["adjustments"] = adjustments
                let sum = try Self.checkedSum(parts.values, policy: policy)
                let h = try Self.hash(s, adjustments: adjustments, withdrawn: inputs.withdrawn[s.streamerID] ?? 0, generation: generation)
                out.append((SettlementStatement(
                    month: month, ownerKind: "streamer", ownerID: s.streamerID, guildID: s.guildID, revenue: s.revenue, parts: parts, total: sum,
                    payout: try Self.checkedSum([sum, -s.revenue], policy: policy), note: r.note, memberParts: nil,
                    withdrawn: inputs.withdrawn[s.streamerID], inputsHash: h.hash, policyGeneration: generation), h.json))
                if out.count % 256 == 0 { progress(out.count, total) }
            }
            for g in inputs.guilds {
                let r = try policy.guild(g, vm: vm, now: now)
                let adjustments = inputs.adjustments[Inputs.key("guild", g.guildID)] ?? 0
                let parts = ["share": r.share, "adjustments": adjustments]
                let sum = try Self.checkedSum(parts.values, policy: policy)
                let h = try Self.hash(g, adjustments: adjustments, withdrawn: 0, generation: generation)
                out.append((SettlementStatement(
                    month: month, ownerKind: "guild", ownerID: g.guildID, guildID: g.guildID, revenue: g.revenue, parts: parts, total: sum,
                    payout: try Self.checkedSum([sum, -g.revenue], policy: policy), note: r.summary, memberParts: r.parts.isEmpty ? nil : r.parts,
                    withdrawn: nil, inputsHash: h.hash,
                    policyGeneration: generation), h.json))
                if out.count % 256 == 0 { progress(out.count, total) }
            }
        }
        progress(out.count, total)
        return out
    }

    static func checkedSum(_ values: some Sequence<Int64>, policy: SettlementPolicy) throws -> Int64 {
        var t: Int64 = 0
        for v in values {
            let (s, o) = t.addingReportingOverflow(v)
            guard !o else { throw policy.bad("a statement's parts overflow when summed") }
            t = s
        }
        return t
    }

    // MARK: Read

    /// A month's state and statements (streamers, then guilds, by id).
    /// - Throws: `RequestError` 400 `invalid_month`.
    public func month(_ month: String) async throws -> SettlementMonth {
        let m = try Self.parse(month)
        let month = String(format: "%04d-%02d", m.year, m.month)
        return try await store.read { tx in try tx.settlementMonth(month) }
    }

    /// A month's state alone (cheap, whatever its number of statements).
    /// - Throws: `RequestError` 400 `invalid_month`.
    public func state(month: String) async throws -> SettlementState {
        let m = try Self.parse(month)
        let month = String(format: "%04d-%02d", m.year, m.month)
        return try await store.read { tx in try tx.state(month: month) }
    }

    // MARK: Confirm

    /// Freezes a `pending_review` month and posts each statement's payout through the ledger
    /// (from `system:settlement_payouts:revenue` to the owner's revenue account, or back when
    /// negative), all in one transaction.
    /// - Throws: `RequestError` 409 `month_confirmed`, 409 `month_not_reviewed` (no drafts, or
    ///   an adjustment since the run, or withdrawals not imported or changed since it), 409 `withdrawal_window_open`, `LedgerError` (an account cannot give back what its
    ///   statement takes: nothing is posted).
    public func confirm(month: String, by: String) async throws -> SettlementMonth {
        let m = try Self.parse(month)
        let month = String(format: "%04d-%02d", m.year, m.month)
        let now = clock.nowMillis()
        return try await store.write { tx in
            let state = try tx.state(month: month)
            if state.isFrozen { throw Self.frozen(month) }
            guard state == .pendingReview else {
                throw RequestError("month_not_reviewed", .conflict, "\(month) is \(state.rawValue): run it (showrunner settle run \(month)) first")
            }
            guard self.windowClosed(for: month, now: now) else {
                throw RequestError("withdrawal_window_open", .conflict, "\(month)'s withdrawals are asked until day \(self.withdrawalWindowDays) of the next month")
            }
            let unimported = try tx.pendingWithdrawalCount(month: month)
            guard unimported == 0 else {
                throw RequestError("month_not_reviewed", .conflict, "\(month) has \(unimported) withdrawals not imported yet: run it again")
            }
            var current = try tx.settlementMonth(month)
            // The statements must show the withdrawals as they stand (asked after the run, or
            // expired since it, they differ).
            let withdrawn = try tx.withdrawn(month: month)
            let shown = Dictionary(current.statements.compactMap { s in s.withdrawn.map { (s.ownerID, $0) } }, uniquingKeysWith: +)
            guard shown == withdrawn else {
                throw RequestError("month_not_reviewed", .conflict, "\(month)'s withdrawals changed since its run: run it again")
            }
            var chain: [TransferRequest] = []
            for s in current.statements where s.payout != 0 {
                let owner: AccountID = s.ownerKind == "guild" ? .guild(s.ownerID, "revenue") : .user(s.ownerID, "revenue")
                let source = AccountID.system(.settlementPayouts, "revenue")
                let (debit, credit) = s.payout > 0 ? (source, owner) : (owner, source)
                chain.append(TransferRequest(id: "settle:\(month):\(s.ownerKind):\(s.ownerID)", debit: debit, credit: credit, asset: "revenue",
                    amount: s.payout.magnitude > UInt64(Int64.max) ? Int64.max : Int64(s.payout.magnitude), code: "settlement",
                    memo: "settlement \(month)"))
            }
            if !chain.isEmpty { _ = try tx.ledger.apply(chain, now: now) }
            try tx.setState(month: month, .confirmed, by: by, now: now, generation: nil, hash: nil)
            current.state = .confirmed
            return current
        }
    }

    /// Marks a confirmed month paid.
    /// - Throws: `RequestError` 409 `month_not_confirmed`.
    public func markPaid(month: String, by: String) async throws -> SettlementMonth {
        let m = try Self.parse(month)
        let month = String(format: "%04d-%02d", m.year, m.month)
        let now = clock.nowMillis()
        return try await store.write { tx in
            guard try tx.state(month: month) == .confirmed else { throw RequestError("month_not_confirmed", .conflict, "\(month) is not confirmed") }
            try tx.setState(month: month, .paid, by: by, now: now, generation: nil, hash: nil)
            return try tx.settlementMonth(month)
        }
    }

    // MARK: Adjust

    /// Records finance's adjustment. In a month that is not frozen it counts there (and the
    /// month goes back to `open`: run it again before confirming); in a frozen month it lands in
    /// the first later month that is not frozen, referencing the original.
    /// - Throws: `RequestError` 400 `invalid_owner_kind`, `invalid_owner_id`, `invalid_amount`,
    ///   `invalid_reason`, `invalid_month`.
    public func adjust(month: String, _ r: SettlementAdjustmentRequest, by: String) async throws -> SettlementAdjustment {
        let asked = try Self.parse(month)
        guard r.ownerKind == "streamer" || r.ownerKind == "guild" else {
            throw RequestError("invalid_owner_kind", .badRequest, "owner_kind: streamer or guild")
        }
        guard Principal.isValidUserID(r.ownerID) else { throw RequestError("invalid_owner_id", .badRequest, "owner_id: not an id") }
        guard r.amount != 0, r.amount.magnitude <= UInt64(SettlementPolicy.amountMax) else {
            throw RequestError("invalid_amount", .badRequest, "amount: non-zero, at most \(SettlementPolicy.amountMax) either way")
        }
        guard (1...Self.reasonBytesMax).contains(r.reason.utf8.count) else {
            throw RequestError("invalid_reason", .badRequest, "reason: 1-\(Self.reasonBytesMax) bytes")
        }
        let now = clock.nowMillis()
        return try await store.write { tx in
            var m = asked
            let asked = String(format: "%04d-%02d", m.year, m.month)
            var target = asked
            // Months are frozen in order, so the first one not frozen is close by; bounded anyway.
            for _ in 0..<1_200 {
                guard try tx.state(month: target).isFrozen else { break }
                target = SettlementCalendar.next(m)
                guard let next = SettlementCalendar.month(target) else { throw RequestError("invalid_month", .badRequest, "no open month after \(asked)") }
                m = next
            }
            let refers: String? = target == asked ? nil : asked
            let id = try tx.insertAdjustment(month: target, r, by: by, refersTo: refers, now: now)
            if try tx.state(month: target) == .pendingReview { try tx.setState(month: target, .open, by: by, now: now, generation: nil, hash: nil) }
            return SettlementAdjustment(id: id, month: target, ownerKind: r.ownerKind, ownerID: r.ownerID, amount: r.amount, reason: r.reason,
                createdBy: by, refersToMonth: refers, createdAt: now)
        }
    }

    /// The adjustments counting in a month.
    public func adjustments(month: String) async throws -> [SettlementAdjustment] {
        let m = try Self.parse(month)
        let month = String(format: "%04d-%02d", m.year, m.month)
        return try await store.read { tx in try tx.adjustments(month: month) }
    }
}
