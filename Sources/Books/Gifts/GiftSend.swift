import EngineCore
import Foundation
import Scripting

/// A viewer's request to send a gift (`POST /v1/rooms/{room}/gifts`).
public struct GiftSendRequest: Sendable, Hashable, Codable {
    public var roomID: String
    public var senderID: String
    public var giftID: String
    public var count: Int64
    /// The client's idempotency key, unique per sender: 1–128 printable ASCII bytes.
    public var idempotencyKey: String

    public init(roomID: String, senderID: String, giftID: String, count: Int64, idempotencyKey: String) {
        self.roomID = roomID
        self.senderID = senderID
        self.giftID = giftID
        self.count = count
        self.idempotencyKey = idempotencyKey
    }

    /// Hash of what the key is bound to: a reuse with another body is a conflict.
    package var bodyHash: String {
        SHA256.hex(Array("\(roomID)\u{0}\(giftID)\u{0}\(count)".utf8))
    }
}

/// What a durable gift send returns, and the payload of its `gift` journal fact.
public struct GiftReceipt: Sendable, Hashable, Codable {
    /// Journal type of a durable gift (`GiftSender.giftType`).
    public static let factType = "gift"

    public var sendID: String
    public var roomID: String
    public var senderID: String
    public var streamerID: String
    public var giftID: String
    public var giftVersion: Int64
    public var count: Int64
    /// Price of one gift after the validate steps (never above the catalog price).
    public var priceCoins: Int64
    public var totalCoins: Int64
    public var streamerRevenue: Int64
    public var guildShare: Int64
    public var platformFee: Int64
    /// Consecutive sends of this gift by this viewer in this room within the combo window.
    public var combo: Int64
    /// The sender's coins after the send.
    public var balanceCoins: Int64
    /// The ids of the gift's legs (`GiftLegs`), which this receipt's journal row carries.
    public var transferIDs: [String]
    /// Ledger time of the send, microseconds.
    public var ledgerTime: Int64
    /// The guild the streamer belonged to on the gift's operations day, whose account the
    /// guild share credits (`guild:<id>:revenue`), the share being the contract's `share_bp`
    /// of the streamer and guild parts (it may be 0); nil: no contract, the catalog's split
    /// applied and its guild part went to the unassigned pool (`system:guild_shares:revenue`).
    /// Absent from the JSON when nil.
    public var guildID: String? = nil

    /// Memberwise. - Parameters: see the properties.
    package init(
        sendID: String, roomID: String, senderID: String, streamerID: String, giftID: String, giftVersion: Int64, count: Int64,
        priceCoins: Int64, totalCoins: Int64, streamerRevenue: Int64, guildShare: Int64, platformFee: Int64, combo: Int64,
        balanceCoins: Int64, transferIDs: [String], ledgerTime: Int64, guildID: String? = nil
    ) {
        self.sendID = sendID
        self.roomID = roomID
        self.senderID = senderID
        self.streamerID = streamerID
        self.giftID = giftID
        self.giftVersion = giftVersion
        self.count = count
        self.priceCoins = priceCoins
        self.totalCoins = totalCoins
        self.streamerRevenue = streamerRevenue
        self.guildShare = guildShare
        self.platformFee = platformFee
        self.combo = combo
        self.balanceCoins = balanceCoins
        self.transferIDs = transferIDs
        self.ledgerTime = ledgerTime
        self.guildID = guildID
    }

    enum CodingKeys: String, CodingKey {
        case count, combo
        case sendID = "send_id"
        case roomID = "room_id"
        case senderID = "sender_id"
        case streamerID = "streamer_id"
        case giftID = "gift_id"
        case giftVersion = "gift_version"
        case priceCoins = "price_coins"
        case totalCoins = "total_coins"
        case streamerRevenue = "streamer_revenue"
        case guildShare = "guild_share"
        case platformFee = "platform_fee"
        case balanceCoins = "balance_coins"
        case transferIDs = "transfer_ids"
        case ledgerTime = "ledger_time"
        case guildID = "guild_id"
    }
}

/// A refusal recorded under an idempotency key, returned again for every retry with that key.
public struct RecordedFailure: ShowrunnerError, Codable {
    public let code: String
    public let kindName: String
    public let message: String
    public var kind: ErrorKind { ErrorKind(rawValue: kindName) ?? .unprocessable }

    package init(_ error: any ShowrunnerError) {
        code = error.code
        kindName = error.kind.rawValue
        message = error.message
    }
}

extension GiftReceipt {
    /// The event table handed to gift steps.
    package var luaValue: LuaValue {
        .table(LuaTable(fields: [
            "send_id": .string(sendID), "room_id": .string(roomID), "sender_id": .string(senderID),
            "streamer_id": .string(streamerID), "gift_id": .string(giftID), "count": .integer(count),
            "price_coins": .integer(priceCoins), "value_coins": .integer(totalCoins), "total_coins": .integer(totalCoins),
            "combo": .integer(combo),
        ]))
    }
}
