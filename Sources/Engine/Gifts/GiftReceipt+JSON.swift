import Foundation

/// A receipt's JSON written and read by hand: every gift send writes it once (the `gift` fact,
/// its only row), every consumer of `gift` facts and every history page reads it, and on that path
/// `JSONEncoder`/`JSONDecoder` cost more than the ledger's statements. The text is what
/// `JSONEncoder` with sorted keys and unescaped slashes writes, so facts written before and
/// after read the same.
extension GiftReceipt {
    /// The receipt as JSON: keys sorted, no whitespace.
    public var jsonText: String {
        var out = "{\"balance_coins\":"
        out.reserveCapacity(320 + transferIDs.reduce(0) { $0 + $1.utf8.count + 3 })
        out += String(balanceCoins)
        out += ",\"combo\":" + String(combo)
        out += ",\"count\":" + String(count)
        out += ",\"gift_id\":" + JSONText.quoted(giftID)
        out += ",\"gift_version\":" + String(giftVersion)
        if let guildID { out += ",\"guild_id\":" + JSONText.quoted(guildID) }
        out += ",\"guild_share\":" + String(guildShare)
        out += ",\"ledger_time\":" + String(ledgerTime)
        out += ",\"platform_fee\":" + String(platformFee)
        out += ",\"price_coins\":" + String(priceCoins)
        out += ",\"room_id\":" + JSONText.quoted(roomID)
        out += ",\"send_id\":" + JSONText.quoted(sendID)
        out += ",\"sender_id\":" + JSONText.quoted(senderID)
        out += ",\"streamer_id\":" + JSONText.quoted(streamerID)
        out += ",\"streamer_revenue\":" + String(streamerRevenue)
        out += ",\"total_coins\":" + String(totalCoins)
        out += ",\"transfer_ids\":["
        for (i, id) in transferIDs.enumerated() {
            if i > 0 { out += "," }
            out += JSONText.quoted(id)
        }
        out += "]}"
        return out
    }

    /// Reads a receipt from its JSON (any key order and spacing; unknown keys are ignored, as
    /// `Decodable` does).
    /// - Throws: `JournalError.invalidPayload` naming the first missing or mistyped field.
    public init(jsonText: String) throws {
        // Every consumer of `gift` facts reads every receipt, so the common case, a well-formed
        // receipt with unescaped keys, is read straight into its fields in one pass, without a
        // table of the keys; anything else goes through the general reader, which is the
        // reference for what is accepted and which error is reported.
        if let receipt = ReceiptReader.read(jsonText) {
            self = receipt
            return
        }
        try self.init(checking: jsonText)
    }

    /// The general reader: the whole text into a table, then field by field, so the first
    /// missing or mistyped field (in a fixed order) is the one reported.
    init(checking jsonText: String) throws {
        let fields: [String: LuaValue]
        do {
            guard case .table(let t) = try LuaValue(json: jsonText), t.array.isEmpty else {
                throw JournalError.invalidPayload(reason: "a gift receipt is a JSON object")
            }
            fields = t.fields
        } catch let error as JSONParseError {
            throw JournalError.invalidPayload(reason: "\(error)")
        }
        func string(_ key: String) throws -> String {
            guard case .string(let s)? = fields[key] else { throw JournalError.invalidPayload(reason: "gift receipt: '\(key)' must be a string") }
            return s
        }
        func integer(_ key: String) throws -> Int64 {
            guard case .integer(let n)? = fields[key] else { throw JournalError.invalidPayload(reason: "gift receipt: '\(key)' must be an integer") }
            return n
        }
        let sendID = try string("send_id"), roomID = try string("room_id"), senderID = try string("sender_id")
        let streamerID = try string("streamer_id"), giftID = try string("gift_id"), giftVersion = try integer("gift_version")
        let count = try integer("count"), priceCoins = try integer("price_coins"), totalCoins = try integer("total_coins")
        let streamerRevenue = try integer("streamer_revenue"), guildShare = try integer("guild_share")
        let platformFee = try integer("platform_fee"), combo = try integer("combo"), balanceCoins = try integer("balance_coins")
        let ledgerTime = try integer("ledger_time")
        var guildID: String?
        switch fields["guild_id"] {
        case nil, .nil?: guildID = nil
        case .string(let s)?: guildID = s
        default: throw JournalError.invalidPayload(reason: "gift receipt: 'guild_id' must be a string")
        }
        guard case .table(let ids)? = fields["transfer_ids"], ids.fields.isEmpty else {
            throw JournalError.invalidPayload(reason: "gift receipt: 'transfer_ids' must be an array of strings")
        }
        var transferIDs: [String] = []
        transferIDs.reserveCapacity(ids.array.count)
        for id in ids.array {
            guard case .string(let s) = id else { throw JournalError.invalidPayload(reason: "gift receipt: 'transfer_ids' must be an array of strings") }
            transferIDs.append(s)
        }
        self.init(
            sendID: sendID, roomID: roomID, senderID: senderID, streamerID: streamerID, giftID: giftID, giftVersion: giftVersion,
            count: count, priceCoins: priceCoins, totalCoins: totalCoins, streamerRevenue: streamerRevenue, guildShare: guildShare,
            platformFee: platformFee, combo: combo, balanceCoins: balanceCoins, transferIDs: transferIDs, ledgerTime: ledgerTime, guildID: guildID)
    }
}

/// The fast path of `GiftReceipt(jsonText:)`: one pass over the bytes into typed fields.
/// Answers nil for anything it does not read to the end (a missing or mistyped field, an escaped
/// key, malformed JSON): the caller then reads the text with the general reader, so a receipt
/// read here is exactly the one the general reader gives, and errors are always the general
/// reader's.
enum ReceiptReader {
    enum Field: Int, CaseIterable {
        case balanceCoins, combo, count, giftID, giftVersion, guildID, guildShare, ledgerTime, platformFee, priceCoins
        case roomID, sendID, senderID, streamerID, streamerRevenue, totalCoins, transferIDs

        var key: StaticString {
            switch self {
            case .balanceCoins: "balance_coins"
            case .combo: "combo"
            case .count: "count"
            case .giftID: "gift_id"
            case .giftVersion: "gift_version"
            case .guildID: "guild_id"
            case .guildShare: "guild_share"
            case .ledgerTime: "ledger_time"
            case .platformFee: "platform_fee"
            case .priceCoins: "price_coins"
            case .roomID: "room_id"
            case .sendID: "send_id"
            case .senderID: "sender_id"
            case .streamerID: "streamer_id"
            case .streamerRevenue: "streamer_revenue"
            case .totalCoins: "total_coins"
            case .transferIDs: "transfer_ids"
            }
        }

        /// The field a key names (nil: a key the receipt does not have).
        static func named(_ key: UnsafeBufferPointer<UInt8>) -> Field? {
            for field in allCases {
                let k = field.key
                guard k.utf8CodeUnitCount == key.count else { continue }
                if memcmp(k.utf8Start, key.baseAddress!, key.count) == 0 { return field }
            }
            return nil
        }
    }

    static func read(_ jsonText: String) -> GiftReceipt? {
        var text = jsonText
        return text.withUTF8 { bytes in
            do throws(JSONParseError) {
                return try read(bytes)
            } catch {
                return nil
            }
        }
    }

    private static func read(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> GiftReceipt? {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var r = FastJSONReader(bytes: bytes)
        var strings = [String?](repeating: nil, count: Field.allCases.count)
        var integers = [Int64?](repeating: nil, count: Field.allCases.count)
        var transferIDs: [String]?
        r.skipSpace()
        guard r.index < bytes.count, bytes[r.index] == UInt8(ascii: "{") else { return nil }
        r.index += 1
        while true {
            r.skipSpace()
            guard r.index < bytes.count, bytes[r.index] == quote else { return nil }
            let start = r.index + 1
            var end = start
            while end < bytes.count, bytes[end] != quote {
                guard bytes[end] != backslash, bytes[end] >= 0x20 else { return nil }
                end += 1
            }
            guard end < bytes.count else { return nil }
            let field = end > start ? Field.named(UnsafeBufferPointer(rebasing: bytes[start..<end])) : nil
            r.index = end + 1
            r.skipSpace()
            guard r.index < bytes.count, bytes[r.index] == UInt8(ascii: ":") else { return nil }
            r.index += 1
            r.skipSpace()
            guard r.index < bytes.count else { return nil }
            switch field {
            case nil:
                _ = try r.value(depth: 1)
            case .transferIDs?:
                guard bytes[r.index] == UInt8(ascii: "[") else { return nil }
                r.index += 1
                var ids: [String] = []
                ids.reserveCapacity(4)
                r.skipSpace()
                if r.index < bytes.count, bytes[r.index] == UInt8(ascii: "]") {
                    r.index += 1
                } else {
                    repeat {
                        r.skipSpace()
                        guard r.index < bytes.count, bytes[r.index] == quote else { return nil }
                        ids.append(try r.string())
                    } while try r.more(closing: "]")
                }
                transferIDs = ids
            case let f?:
                switch try r.value(depth: 1) {
                case .nil: break  // a null field is an absent one
                case .string(let s) where Self.isString(f): strings[f.rawValue] = s
                case .integer(let n) where !Self.isString(f): integers[f.rawValue] = n
                default: return nil
                }
            }
            if try !r.more(closing: "}") { break }
        }
        r.skipSpace()
        guard r.index == bytes.count, let transferIDs else { return nil }
        func s(_ f: Field) -> String? { strings[f.rawValue] }
        func n(_ f: Field) -> Int64? { integers[f.rawValue] }
        guard let sendID = s(.sendID), let roomID = s(.roomID), let senderID = s(.senderID), let streamerID = s(.streamerID),
            let giftID = s(.giftID), let giftVersion = n(.giftVersion), let count = n(.count), let priceCoins = n(.priceCoins),
            let totalCoins = n(.totalCoins), let streamerRevenue = n(.streamerRevenue), let guildShare = n(.guildShare),
            let platformFee = n(.platformFee), let combo = n(.combo), let balanceCoins = n(.balanceCoins), let ledgerTime = n(.ledgerTime)
        else { return nil }
        return GiftReceipt(
            sendID: sendID, roomID: roomID, senderID: senderID, streamerID: streamerID, giftID: giftID, giftVersion: giftVersion,
            count: count, priceCoins: priceCoins, totalCoins: totalCoins, streamerRevenue: streamerRevenue, guildShare: guildShare,
            platformFee: platformFee, combo: combo, balanceCoins: balanceCoins, transferIDs: transferIDs, ledgerTime: ledgerTime,
            guildID: s(.guildID))
    }

    static func isString(_ f: Field) -> Bool {
        switch f {
        case .giftID, .guildID, .roomID, .sendID, .senderID, .streamerID: true
        default: false
        }
    }
}

extension JournalEntry {
    /// The payload of a `gift` fact.
    /// - Throws: `JournalError.invalidPayload` naming this entry's offset.
    func giftReceipt() throws -> GiftReceipt {
        do {
            return try GiftReceipt(jsonText: payload)
        } catch JournalError.invalidPayload(let reason) {
            throw JournalError.invalidPayload(reason: "offset \(offset): \(reason)")
        }
    }
}
