/// The leaderboard rows a handler reads through `ctx.leaderboard(...)`; the boards themselves
/// (`Leaderboards`, `RankedSet`) live in the engine.

/// One member's standing. Total order: score (direction per RankOrder), then reachedAt ascending
/// (who got there first ranks higher), then seq ascending. (member, seq) are unique per set.
public struct RankedEntry: Sendable, Hashable {
    /// Who holds the entry; unique within a set.
    public let member: String
    /// The score, ranked per the set's `RankOrder`.
    public let score: Int64
    /// Milliseconds since the epoch when the score was reached.
    public let reachedAt: Int64
    /// The host-assigned tiebreak, unique within the set.
    public let seq: Int64

    /// An entry. - Parameters: see the properties.
    public init(member: String, score: Int64, reachedAt: Int64, seq: Int64) {
        self.member = member
        self.score = score
        self.reachedAt = reachedAt
        self.seq = seq
    }
}

/// An entry with its rank, as handlers and routes see it.
public struct RankedRow: Sendable, Hashable, Encodable, LuaEncodable {
    /// 1-based rank (distinct: ties are broken by who reached the score first).
    public let rank: Int
    public let entry: RankedEntry
    /// - Parameters: rank: position; entry: the standing.
    public init(rank: Int, entry: RankedEntry) {
        self.rank = rank
        self.entry = entry
    }

    enum CodingKeys: String, CodingKey { case rank, member, score, reachedAt = "reached_at" }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rank, forKey: .rank)
        try c.encode(entry.member, forKey: .member)
        try c.encode(entry.score, forKey: .score)
        try c.encode(entry.reachedAt, forKey: .reachedAt)
    }

    public var luaFieldCount: Int { 4 }
    /// Writes `{ rank, member, score, reached_at }` straight into the table.
    public func encode(to table: inout LuaTableWriter) {
        table.set("rank", Int64(rank))
        table.set("member", entry.member)
        table.set("score", entry.score)
        table.set("reached_at", entry.reachedAt)
    }

    /// As a Lua table: `{ rank, member, score, reached_at }`.
    public var luaValue: LuaValue {
        .table(LuaTable(fields: [
            "rank": .integer(Int64(rank)), "member": .string(entry.member), "score": .integer(entry.score),
            "reached_at": .integer(entry.reachedAt),
        ]))
    }
}
