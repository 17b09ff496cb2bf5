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
