import EngineCore
import Foundation

/// A guild: an agency that contracts streamers and takes a share of their gifts.
public struct Guild: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    /// The guild's default share rate, in basis points: the default for new contracts, whose
    /// rate divides each gift's streamer and guild parts (and which the policy reads).
    public var shareBP: Int64
    public var createdAt: Int64
    public var updatedAt: Int64

    package init(id: String, name: String, shareBP: Int64, createdAt: Int64, updatedAt: Int64) {
        self.id = id
        self.name = name
        self.shareBP = shareBP
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name
        case shareBP = "share_bp"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// What an admin writes for a guild (`POST /v1/admin/guilds` with `id`, `PUT .../{id}` without).
public struct GuildEdit: Sendable, Codable, Equatable {
    public var id: String?
    public var name: String
    public var shareBP: Int64

    public init(id: String? = nil, name: String, shareBP: Int64) {
        self.id = id
        self.name = name
        self.shareBP = shareBP
    }

    public static let keys: Set<String> = ["id", "name", "share_bp"]

    enum CodingKeys: String, CodingKey {
        case id, name
        case shareBP = "share_bp"
    }

    /// Longest guild name, in bytes.
    public static let nameBytesMax = 100

    func validate() throws(RequestError) {
        guard (1...Self.nameBytesMax).contains(name.utf8.count), name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw RequestError("invalid_name", .badRequest, "name: 1-\(Self.nameBytesMax) bytes without control characters")
        }
        guard (0...10_000).contains(shareBP) else { throw RequestError("invalid_share_bp", .badRequest, "share_bp: 0...10000") }
    }
}

/// A streamer's contract with a guild over a period of operations days: from `startsOn`
/// (inclusive) to `endsOn` (exclusive; nil while it runs). A streamer has at most one contract
/// covering any day.
public struct GuildContract: Sendable, Codable, Equatable {
    public var id: Int64
    public var guildID: String
    public var streamerID: String
    /// `YYYY-MM-DD` in the operations calendar.
    public var startsOn: String
    public var endsOn: String?
    /// Whether the streamer streams for this guild only (the policy may pay exclusives more).
    public var exclusive: Bool
    /// Monthly base salary promised by the contract, in revenue units.
    public var baseSalary: Int64
    /// The guild's share, in basis points, of each gift's streamer and guild parts while the
    /// contract covers the gift's day (rounded down; the streamer keeps the rest). The policy
    /// reads it too.
    public var shareBP: Int64
    public var createdBy: String
    public var createdAt: Int64

    package init(
        id: Int64, guildID: String, streamerID: String, startsOn: String, endsOn: String? = nil, exclusive: Bool,
        baseSalary: Int64, shareBP: Int64, createdBy: String, createdAt: Int64
    ) {
        self.id = id
        self.guildID = guildID
        self.streamerID = streamerID
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.exclusive = exclusive
        self.baseSalary = baseSalary
        self.shareBP = shareBP
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, exclusive
        case guildID = "guild_id"
        case streamerID = "streamer_id"
        case startsOn = "starts_on"
        case endsOn = "ends_on"
        case baseSalary = "base_salary"
        case shareBP = "share_bp"
        case createdBy = "created_by"
        case createdAt = "created_at"
    }

    /// Whether the contract covers operations day `day`.
    public func covers(_ day: String) -> Bool { startsOn <= day && (endsOn.map { day < $0 } ?? true) }
}

/// An admin's new contract (`POST /v1/admin/guilds/{id}/members`). A streamer's running
/// contract (in any guild) that started before `starts_on` ends on that day: switching guilds
/// mid-month splits the month by date.
public struct GuildContractRequest: Sendable, Codable, Equatable {
    public var streamerID: String
    public var startsOn: String
    public var exclusive: Bool?
    public var baseSalary: Int64?
    public var shareBP: Int64?

    public init(streamerID: String, startsOn: String, exclusive: Bool? = nil, baseSalary: Int64? = nil, shareBP: Int64? = nil) {
        self.streamerID = streamerID
        self.startsOn = startsOn
        self.exclusive = exclusive
        self.baseSalary = baseSalary
        self.shareBP = shareBP
    }

    public static let keys: Set<String> = ["streamer_id", "starts_on", "exclusive", "base_salary", "share_bp"]

    enum CodingKeys: String, CodingKey {
        case exclusive
        case streamerID = "streamer_id"
        case startsOn = "starts_on"
        case baseSalary = "base_salary"
        case shareBP = "share_bp"
    }

    /// Largest monthly base salary a contract may promise.
    public static let baseSalaryMax: Int64 = 1_000_000_000_000
}

/// An admin's end of a contract (`PUT /v1/admin/guilds/{id}/members/{streamer}`).
public struct GuildContractEnd: Sendable, Codable, Equatable {
    /// First day no longer covered, `YYYY-MM-DD`.
    public var endsOn: String

    public init(endsOn: String) { self.endsOn = endsOn }

    public static let keys: Set<String> = ["ends_on"]

    enum CodingKeys: String, CodingKey {
        case endsOn = "ends_on"
    }
}

/// A guild with its contracts (`GET /v1/admin/guilds/{id}`).
public struct GuildDetail: Sendable, Codable, Equatable {
    public var guild: Guild
    public var contracts: [GuildContract]
}

/// Operations days and months as text: `YYYY-MM-DD` and `YYYY-MM`.
public enum SettlementCalendar {
    /// Whether `text` is a real `YYYY-MM-DD` date (years 2000-2999).
    public static func isDay(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let month = month(String(decoding: b[0..<7], as: UTF8.self)), let d = Int(String(decoding: b[8..<10], as: UTF8.self)),
            b[8...9].allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { return false }
        return (1...daysIn(month)).contains(d)
    }

    /// The `(year, month)` of a `YYYY-MM` text (years 2000-2999), or nil.
    public static func month(_ text: String) -> (year: Int, month: Int)? {
        let b = Array(text.utf8)
        guard b.count == 7, b[4] == UInt8(ascii: "-"), b[0..<4].allSatisfy({ $0 >= 48 && $0 <= 57 }), b[5...6].allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let y = Int(String(decoding: b[0..<4], as: UTF8.self)), let m = Int(String(decoding: b[5..<7], as: UTF8.self)),
            (2000...2999).contains(y), (1...12).contains(m)
        else { return nil }
        return (y, m)
    }

    /// Days in a month.
    public static func daysIn(_ m: (year: Int, month: Int)) -> Int {
        switch m.month {
        case 2: (m.year % 4 == 0 && m.year % 100 != 0) || m.year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Every day of a month, in order.
    public static func days(of m: (year: Int, month: Int)) -> [String] {
        (1...daysIn(m)).map { String(format: "%04d-%02d-%02d", m.year, m.month, $0) }
    }

    /// The month after `m`.
    public static func next(_ m: (year: Int, month: Int)) -> String {
        m.month == 12 ? String(format: "%04d-01", m.year + 1) : String(format: "%04d-%02d", m.year, m.month + 1)
    }

    /// The month before `m`.
    public static func previous(_ m: (year: Int, month: Int)) -> String {
        m.month == 1 ? String(format: "%04d-12", m.year - 1) : String(format: "%04d-%02d", m.year, m.month - 1)
    }

    /// The `YYYY-MM` of a day.
    public static func monthOf(day: String) -> String { String(day.prefix(7)) }
}
