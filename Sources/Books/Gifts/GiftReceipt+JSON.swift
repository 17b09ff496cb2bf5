import Foundation
import Scripting

/// A receipt's JSON written and read by hand: every gift send writes it once (the `gift` fact,
/// its only row), every consumer of `gift` facts and every history page reads it, and on that path
/// `JSONEncoder`/`JSONDecoder` cost more than the ledger's statements. The text is what
/// `JSONEncoder` with sorted keys and unescaped slashes writes, so facts written before and
/// after read the same.
extension GiftReceipt {
    /// The receipt as JSON: keys sorted, no whitespace.
    public var jsonText: String {
        var out = JSONBytes(capacity: 320 + transferIDs.reduce(0) { $0 + $1.utf8.count + 3 })
        out.raw("{\"balance_coins\":")
        out.int(balanceCoins)
        out.raw(",\"combo\":")
        out.int(combo)
        out.raw(",\"count\":")
        out.int(count)
        out.raw(",\"gift_id\":")
        out.quoted(giftID)
        out.raw(",\"gift_version\":")
        writeVersionToPrice(&out)
        out.raw(",\"room_id\":")
        out.quoted(roomID)
        out.raw(",\"send_id\":")
        out.quoted(sendID)
        out.raw(",\"sender_id\":")
        out.quoted(senderID)
        out.raw(",\"streamer_id\":")
        out.quoted(streamerID)
        out.raw(",\"streamer_revenue\":")
        out.int(streamerRevenue)
        out.raw(",\"total_coins\":")
        out.int(totalCoins)
        out.raw(",\"transfer_ids\":[")
        for (i, id) in transferIDs.enumerated() {
            if i > 0 { out.raw(",") }
            out.quoted(id)
        }
        out.raw("]}")
        return out.text
    }

    /// The receipt as JSON, as `jsonText` writes it, with the pieces that depend on the send
    /// alone copied from `parts` (made from this receipt's send, before the writer) rather than
    /// written again: the writer only writes the numbers it found.
    package func jsonText(_ parts: GiftReceiptJSONParts) -> String {
        var out = JSONBytes(capacity: 256 + parts.bytes)
        out.raw("{\"balance_coins\":")
        out.int(balanceCoins)
        out.raw(",\"combo\":")
        out.int(combo)
        out.raw(parts.countAndGift)
        writeVersionToPrice(&out)
        out.raw(parts.parties)
        out.int(streamerRevenue)
        out.raw(",\"total_coins\":")
        out.int(totalCoins)
        out.raw(",\"transfer_ids\":[")
        // The legs `GiftLegs.of` makes, in its order, for these amounts (no list made per send).
        var first = true
        func leg(_ present: Bool, _ id: [UInt8]) {
            guard present else { return }
            if !first { out.raw(",") }
            first = false
            out.raw(id)
        }
        leg(streamerRevenue + guildShare > 0, parts.paid)
        leg(platformFee > 0, parts.fee)
        leg(streamerRevenue > 0, parts.revenue)
        leg(guildShare > 0, parts.guild)
        out.raw("]}")
        return out.text
    }

    /// The fields from `gift_version`'s value to `price_coins`'s, which both writers share.
    private func writeVersionToPrice(_ out: inout JSONBytes) {
        out.int(giftVersion)
        if let guildID {
            out.raw(",\"guild_id\":")
            out.quoted(guildID)
        }
        out.raw(",\"guild_share\":")
        out.int(guildShare)
        out.raw(",\"ledger_time\":")
        out.int(ledgerTime)
        out.raw(",\"platform_fee\":")
        out.int(platformFee)
        out.raw(",\"price_coins\":")
        out.int(priceCoins)
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

/// The pieces of a gift receipt's JSON that depend on the send alone (`GiftReceipt.jsonText(_:)`).
/// A send's plan makes them on the sender's task, before the send reaches the one writer.
package struct GiftReceiptJSONParts: Sendable {
    /// `,"count":<n>,"gift_id":"<gift>","gift_version":`
    let countAndGift: [UInt8]
    /// `,"room_id":…,"send_id":…,"sender_id":…,"streamer_id":…,"streamer_revenue":`
    let parties: [UInt8]
    /// The legs' ids, quoted (`GiftLegs.Names`).
    let paid: [UInt8], fee: [UInt8], revenue: [UInt8], guild: [UInt8]
    /// The pieces' length.
    let bytes: Int

    /// The pieces of the receipt of the send these name.
    package init(roomID: String, senderID: String, sendID: String, streamerID: String, giftID: String, count: Int64, names: GiftLegs.Names) {
        var piece = JSONBytes(capacity: 48 + giftID.utf8.count)
        piece.raw(",\"count\":")
        piece.int(count)
        piece.raw(",\"gift_id\":")
        piece.quoted(giftID)
        piece.raw(",\"gift_version\":")
        countAndGift = piece.bytes
        piece = JSONBytes(capacity: 96 + roomID.utf8.count + names.key.utf8.count + streamerID.utf8.count)
        piece.raw(",\"room_id\":")
        piece.quoted(roomID)
        piece.raw(",\"send_id\":")
        piece.quoted(sendID)
        piece.raw(",\"sender_id\":")
        piece.quoted(senderID)
        piece.raw(",\"streamer_id\":")
        piece.quoted(streamerID)
        piece.raw(",\"streamer_revenue\":")
        parties = piece.bytes
        func quoted(_ s: String) -> [UInt8] {
            var q = JSONBytes(capacity: s.utf8.count + 2)
            q.quoted(s)
            return q.bytes
        }
        (paid, fee, revenue, guild) = (quoted(names.paid), quoted(names.fee), quoted(names.revenue), quoted(names.guild))
        bytes = countAndGift.count + parties.count + paid.count + fee.count + revenue.count + guild.count + 3
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

        /// The field a key names (nil: a key the receipt does not have): one candidate by the
        /// key's length and a letter, then one comparison.
        static func named(_ key: UnsafeBufferPointer<UInt8>) -> Field? {
            guard !key.isEmpty else { return nil }
            let candidate: Field?
            switch (key.count, key[0]) {
            case (5, _): candidate = key[2] == UInt8(ascii: "m") ? .combo : .count
            case (7, UInt8(ascii: "g")): candidate = .giftID
            case (7, UInt8(ascii: "r")): candidate = .roomID
            case (7, UInt8(ascii: "s")): candidate = .sendID
            case (8, _): candidate = .guildID
            case (9, _): candidate = .senderID
            case (11, UInt8(ascii: "g")): candidate = .guildShare
            case (11, UInt8(ascii: "l")): candidate = .ledgerTime
            case (11, UInt8(ascii: "p")): candidate = .priceCoins
            case (11, UInt8(ascii: "s")): candidate = .streamerID
            case (11, UInt8(ascii: "t")): candidate = .totalCoins
            case (12, UInt8(ascii: "g")): candidate = .giftVersion
            case (12, UInt8(ascii: "p")): candidate = .platformFee
            case (12, UInt8(ascii: "t")): candidate = .transferIDs
            case (13, _): candidate = .balanceCoins
            case (16, _): candidate = .streamerRevenue
            default: candidate = nil
            }
            guard let candidate, candidate.key.utf8CodeUnitCount == key.count,
                memcmp(candidate.key.utf8Start, key.baseAddress!, key.count) == 0
            else { return nil }
            return candidate
        }
    }

    static func read(_ jsonText: String) -> GiftReceipt? {
        read(jsonText, transferIDs: true)
    }

    /// The receipt without its transfer ids (`transferIDs` empty; they are checked, not kept):
    /// for aggregates of amounts, which never look at the legs' ids.
    static func amounts(_ jsonText: String) -> GiftReceipt? {
        read(jsonText, transferIDs: false)
    }

    private static func read(_ jsonText: String, transferIDs keep: Bool) -> GiftReceipt? {
        var text = jsonText
        return text.withUTF8 { bytes in
            do throws(JSONParseError) {
                return try read(bytes, transferIDs: keep)
            } catch {
                return nil
            }
        }
    }

    /// The fields read so far.
    private struct Slots {
        var sendID, roomID, senderID, streamerID, giftID, guildID: String?
        var giftVersion, count, priceCoins, totalCoins, streamerRevenue, guildShare, platformFee, combo, balanceCoins, ledgerTime: Int64?
        var transferIDs: [String]?

        /// Keeps a string field's value (false: `f` is not a string field).
        mutating func set(_ f: Field, _ s: String) -> Bool {
            switch f {
            case .sendID: sendID = s
            case .roomID: roomID = s
            case .senderID: senderID = s
            case .streamerID: streamerID = s
            case .giftID: giftID = s
            case .guildID: guildID = s
            default: return false
            }
            return true
        }

        /// Keeps an integer field's value (false: `f` is not an integer field).
        mutating func set(_ f: Field, _ n: Int64) -> Bool {
            switch f {
            case .giftVersion: giftVersion = n
            case .count: count = n
            case .priceCoins: priceCoins = n
            case .totalCoins: totalCoins = n
            case .streamerRevenue: streamerRevenue = n
            case .guildShare: guildShare = n
            case .platformFee: platformFee = n
            case .combo: combo = n
            case .balanceCoins: balanceCoins = n
            case .ledgerTime: ledgerTime = n
            default: return false
            }
            return true
        }
    }

    private static func read(_ bytes: UnsafeBufferPointer<UInt8>, transferIDs keep: Bool) throws(JSONParseError) -> GiftReceipt? {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var r = FastJSONReader(bytes: bytes)
        var slots = Slots()
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
                if keep { ids.reserveCapacity(4) }
                r.skipSpace()
                if r.index < bytes.count, bytes[r.index] == UInt8(ascii: "]") {
                    r.index += 1
                } else {
                    repeat {
                        r.skipSpace()
                        guard r.index < bytes.count, bytes[r.index] == quote else { return nil }
                        if keep { ids.append(try r.string()) } else { try r.skipString() }
                    } while try r.more(closing: "]")
                }
                slots.transferIDs = ids
            case let f?:
                switch try r.value(depth: 1) {
                case .nil: break  // a null field is an absent one
                case .string(let s): guard slots.set(f, s) else { return nil }
                case .integer(let n): guard slots.set(f, n) else { return nil }
                default: return nil
                }
            }
            if try !r.more(closing: "}") { break }
        }
        r.skipSpace()
        guard r.index == bytes.count, let transferIDs = slots.transferIDs, let sendID = slots.sendID, let roomID = slots.roomID,
            let senderID = slots.senderID, let streamerID = slots.streamerID, let giftID = slots.giftID,
            let giftVersion = slots.giftVersion, let count = slots.count, let priceCoins = slots.priceCoins,
            let totalCoins = slots.totalCoins, let streamerRevenue = slots.streamerRevenue, let guildShare = slots.guildShare,
            let platformFee = slots.platformFee, let combo = slots.combo, let balanceCoins = slots.balanceCoins,
            let ledgerTime = slots.ledgerTime
        else { return nil }
        return GiftReceipt(
            sendID: sendID, roomID: roomID, senderID: senderID, streamerID: streamerID, giftID: giftID, giftVersion: giftVersion,
            count: count, priceCoins: priceCoins, totalCoins: totalCoins, streamerRevenue: streamerRevenue, guildShare: guildShare,
            platformFee: platformFee, combo: combo, balanceCoins: balanceCoins, transferIDs: transferIDs, ledgerTime: ledgerTime,
            guildID: slots.guildID)
    }
}

extension JournalEntry {
    /// The payload of a `gift` fact.
    /// - Throws: `JournalError.invalidPayload` naming this entry's offset.
    package func giftReceipt() throws -> GiftReceipt {
        do {
            return try GiftReceipt(jsonText: payload)
        } catch JournalError.invalidPayload(let reason) {
            throw JournalError.invalidPayload(reason: "offset \(offset): \(reason)")
        }
    }
}
