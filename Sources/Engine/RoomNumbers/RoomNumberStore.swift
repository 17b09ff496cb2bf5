import Books

/// Where vanity room numbers are kept: each number ever assigned or listed (its room, its
/// release, its listed price) and the buyers' purchase records.
///
/// The seam at the level of a transaction: an assignment checks the number, releases the
/// room's old one, writes the new one and journals both, and a purchase also pays through the
/// ledger, all in one transaction or none. So the store hands the domain a
/// `RoomNumberTransaction` inside `write` (and `read`), and the domain decides; the backend owns
/// the SQL.
///
/// For implementers: `write` runs `body` in one write transaction of the store, serialized with
/// every other write, and commits only when it returns; a throw rolls everything back, ledger
/// transfers and journal facts included. `read` runs `body` on a consistent snapshot (its
/// writing methods throw).
public protocol RoomNumberStore: Sendable {
    /// Runs `body` in one write transaction; rethrows its error after rolling back.
    func write<T: Sendable>(_ body: @escaping @Sendable (any RoomNumberTransaction) throws -> T) async throws -> T
    /// Runs `body` on a consistent snapshot; rethrows its error.
    func read<T: Sendable>(_ body: @escaping @Sendable (any RoomNumberTransaction) throws -> T) async throws -> T
}

/// The room-number tables as one transaction sees them, beside the ledger and the journal
/// (`StoreTransaction`).
///
/// For implementers: one row per number; a number is held while it has a room, cooling down
/// after its release, listed while it has a price. Methods answer what their statement reads,
/// deciding nothing: the cool-down and sale rules are `RoomNumbers`'.
public protocol RoomNumberTransaction: StoreTransaction {
    /// The id of the room holding `number`, or nil.
    func roomID(holding number: String) throws -> String?
    /// The number `roomID` holds, or nil.
    func number(ofRoom roomID: String) throws -> String?
    /// What an assignment checks of `number`: its room, when it was released and its listed
    /// price; nil when the number was never stored.
    func assignability(of number: String) throws -> (roomID: String?, releasedAt: Int64?, priceCoins: Int64?)?
    /// Whether a room has `id` as its id.
    func roomExists(id: String) throws -> Bool
    /// The listed price of `number`; nil when it is not listed or never stored.
    func listedPrice(of number: String) throws -> Int64?
    /// The stored row of `number`, or nil.
    func record(of number: String) throws -> RoomNumbers.Record?
    /// Every number held, listed, or released less than `coolDownMillis` before `now`, after
    /// `after` in numeric order (all with nil), at most `limit`.
    func records(after: String?, limit: Int, coolDownMillis: Int64, now: Int64) throws -> [RoomNumbers.Record]

    /// `number` has no room from `now` (its cool-down starts).
    func markReleased(_ number: String, at now: Int64) throws
    /// `number` goes to `roomID` at `assignedAt`, ending any listing.
    func saveAssignment(_ number: String, roomID: String, at assignedAt: Int64) throws
    /// `number` is listed at `priceCoins` from `now` (stored if it never was).
    func saveListing(_ number: String, priceCoins: Int64, at now: Int64) throws
    /// Ends the listing of `number`; answers false when it was not listed.
    func unlist(_ number: String) throws -> Bool

    /// The body hash, status (`ok` or `failed`) and outcome (JSON) recorded for `buyer`'s `key`,
    /// if any.
    func purchaseRecord(buyer: String, key: String) throws -> (bodyHash: String, status: String, outcomeJSON: String)?
    /// Records a purchase's outcome under `buyer`'s `key`.
    func recordPurchase(buyer: String, key: String, bodyHash: String, status: String, outcomeJSON: String, at now: Int64) throws
}

extension RoomNumbers {
    /// A number as stored: its room (nil when free), when it was assigned and released, its
    /// listed price.
    public struct Record: Sendable {
        public var number: String
        public var roomID: String?
        public var assignedAt: Int64?
        public var releasedAt: Int64?
        public var priceCoins: Int64?

        /// - Parameters: the stored columns.
        public init(number: String, roomID: String?, assignedAt: Int64?, releasedAt: Int64?, priceCoins: Int64?) {
            self.number = number
            self.roomID = roomID
            self.assignedAt = assignedAt
            self.releasedAt = releasedAt
            self.priceCoins = priceCoins
        }
    }
}
