import Scripting
import Synchronization

/// The tables activity and task handlers receive for journal facts, parsed once per fact for
/// every consumer that hands it to scripts: the activities and tasks consumers read the same
/// gifts, one batch after the other, and parsing was the largest single cost of a gift there.
public final class HandlerEvents: Sendable {
    /// Facts kept by default (two consumers' batches fit many times).
    public static let defaultCapacity = 8_192
    /// Facts kept: the slots of the cache, a power of two.
    public let capacity: Int
    /// Most locks the slots are dealt over (fewer for a cache of fewer slots).
    static let stripesMax = 64

    /// One slot: the fact it holds, if any, and its event.
    private struct Slot: Sendable {
        var key = FactKey(offset: 0, index: 0)
        var event: HandlerEvent?
    }

    /// The slots, dealt round-robin over `stripes.count` locks (at most `stripesMax`): slot `i`
    /// lives in stripe `i % stripes.count` at `i / stripes.count`. A fact has one slot (from
    /// its offset and place, so consecutive facts take consecutive slots, and so different
    /// locks); a newer fact in the slot replaces the older one. The consumers that share the cache read the same facts
    /// at about the same time: with one lock and a dictionary they waited on each other and
    /// hashed every key; now two meet only on the same few facts, and a lookup is a compare.
    private let stripes: [Stripe]

    /// A lock and its slots.
    private final class Stripe: Sendable {
        let slots: Mutex<[Slot]>
        init(_ count: Int) { slots = Mutex([Slot](repeating: Slot(), count: count)) }
    }

    /// An empty cache; share one between the consumers of one store.
    /// - Parameter capacity: facts kept, at least 1 (rounded up to a power of two).
    public init(capacity: Int = HandlerEvents.defaultCapacity) {
        precondition(capacity >= 1, "capacity must be at least 1")
        var slots = 1
        while slots < capacity { slots *= 2 }
        self.capacity = slots
        let stripeCount = min(Self.stripesMax, slots)
        stripes = (0..<stripeCount).map { _ in Stripe(slots / stripeCount) }
    }

    /// Facts held now (at most `capacity`).
    var count: Int { stripes.reduce(0) { n, stripe in n + stripe.slots.withLock { $0.count(where: { $0.event != nil }) } } }

    /// The handler's event for `entry`, as handlers are called with it (a gift written straight
    /// into its table, with no intermediate `LuaValue`).
    /// - Throws: `JournalError.invalidPayload` when the payload is not what its type promises.
    package func handlerEvent(_ entry: JournalEntry) throws -> HandlerEvent {
        let key = entry.factKey
        let slot = Int(truncatingIfNeeded: UInt64(bitPattern: key.offset) &+ UInt64(truncatingIfNeeded: key.index) &* 0x9E37) & (capacity - 1)
        let stripe = stripes[slot % stripes.count]
        let place = slot / stripes.count
        if let hit = stripe.slots.withLock({ $0[place].key == key ? $0[place].event : nil }) { return hit }
        let value = try Self.parseEvent(entry)
        stripe.slots.withLock { $0[place] = Slot(key: key, event: value) }
        return value
    }

    /// Fields of a gift fact that handlers see, besides `value_coins` (the gift's total): the
    /// same table `GiftReceipt.luaValue` gives gift steps (a test holds the two together).
    static let giftFields = ["send_id", "room_id", "sender_id", "streamer_id", "gift_id", "count", "price_coins", "total_coins", "combo"]

    /// The event for `entry`: a gift's documented fields (with `value_coins`), kept as its
    /// receipt is read (its legs' ids checked, not kept); any other fact's JSON object as is,
    /// and a payload that is not an object as `{ value = ... }`.
    static func parseEvent(_ entry: JournalEntry) throws -> HandlerEvent {
        // A gift written by a send is a whole receipt: read in one pass into its fields, with no
        // table of every key (anything else, such as a hand-written partial gift, as before).
        if entry.type == GiftReceipt.factType, let receipt = ReceiptReader.amounts(entry.payload) { return .gift(receipt) }
        return .value(try parseValue(entry))
    }

    private static func parseValue(_ entry: JournalEntry) throws -> LuaValue {
        let v: LuaValue
        do {
            v = try LuaValue(json: entry.payload)
        } catch {
            throw JournalError.invalidPayload(reason: "offset \(entry.offset): \(error)")
        }
        guard entry.type == GiftReceipt.factType else {
            return v.table == nil ? .table(LuaTable(fields: ["value": v])) : v
        }
        guard let all = v.table?.fields else { throw JournalError.invalidPayload(reason: "offset \(entry.offset): a gift is an object") }
        var fields: [String: LuaValue] = [:]
        fields.reserveCapacity(giftFields.count + 1)
        for name in giftFields {
            guard let f = all[name] else { throw JournalError.invalidPayload(reason: "offset \(entry.offset): gift without '\(name)'") }
            fields[name] = f
        }
        fields["value_coins"] = fields["total_coins"]
        return .table(LuaTable(fields: fields))
    }
}

/// A journal fact as handlers receive it: a gift's receipt, written straight into the handler's
/// table (`LuaEncodable`), or any other fact's table.
package indirect enum HandlerEvent: Sendable, LuaEncodable {
    case gift(GiftReceipt)
    case value(LuaValue)

    /// The table as a value (`GiftReceipt.luaValue` for a gift).
    var luaValue: LuaValue {
        switch self {
        case .gift(let receipt): receipt.luaValue
        case .value(let value): value
        }
    }

    /// The room the fact happened in (`room_id`, or `room`), if it names one.
    package var roomID: String? {
        switch self {
        case .gift(let receipt): receipt.roomID
        case .value(let value): value["room_id"].string ?? value["room"].string
        }
    }

    /// A gift's `gift_id`; nil when the fact names none.
    package var giftID: String? {
        switch self {
        case .gift(let receipt): receipt.giftID
        case .value(let value): value["gift_id"].string
        }
    }

    package var luaFieldCount: Int {
        switch self {
        case .gift: 10
        case .value(let value): value.luaFieldCount
        }
    }

    package func encode(to table: inout LuaTableWriter) {
        switch self {
        case .gift(let r):
            // The fields of `GiftReceipt.luaValue` (a test holds the two together).
            table.set("send_id", r.sendID)
            table.set("room_id", r.roomID)
            table.set("sender_id", r.senderID)
            table.set("streamer_id", r.streamerID)
            table.set("gift_id", r.giftID)
            table.set("count", r.count)
            table.set("price_coins", r.priceCoins)
            table.set("value_coins", r.totalCoins)
            table.set("total_coins", r.totalCoins)
            table.set("combo", r.combo)
        case .value(let value):
            value.encode(to: &table)
        }
    }
}
