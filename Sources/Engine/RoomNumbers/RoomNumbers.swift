import EngineCore
import Rooms

/// Vanity room numbers: a room may hold one number (`RoomNumberRules`), a number one room.
/// Operators assign and release them, list free ones for sale, and a room's streamer buys a
/// listed one (`RoomNumbers+Purchase.swift`). Every change and its journal fact
/// (`room_number_assigned`, `room_number_released`, `room_number_listed`, `room_number_unlisted`)
/// commit in one transaction.
///
/// A released number cools down for `coolDownMillis` on the engine's clock: no room at all, the
/// one that released it included, may get it before `released_at + coolDownMillis`; at that
/// instant it is free. A number is also refused while another room has it as its id (an
/// all-digit id), so that a path segment never names two rooms (see `RoomResolver`).
///
/// Numbers are read from the store on every resolution, not cached: they change, and one
/// indexed read on a reader costs less than keeping a cache right across concurrent commits.
public struct RoomNumbers: Sendable {
    /// Journal fact types.
    public static let assignedType = "room_number_assigned"
    public static let releasedType = "room_number_released"
    public static let listedType = "room_number_listed"
    public static let unlistedType = "room_number_unlisted"
    /// Default cool-down of a released number: 30 days.
    public static let coolDownMillisDefault: Int64 = 30 * 24 * 3_600_000
    /// Longest cool-down accepted: ten years, so `released_at + coolDownMillis` never overflows.
    public static let coolDownMillisMax: Int64 = 3_650 * 24 * 3_600_000
    /// Most numbers one `numbers(limit:after:)` returns.
    public static let listLimitMax = 500

    let store: any RoomNumberStore
    let clock: any WallClock
    /// How long a released number waits before any room may get it again.
    public let coolDownMillis: Int64

    /// - Parameters: store: where numbers live (its transactions pay purchases); clock:
    ///   assignment times and cool-downs; coolDownMillis: 0...`coolDownMillisMax`.
    public init(store: any RoomNumberStore, clock: any WallClock = SystemWallClock(), coolDownMillis: Int64 = coolDownMillisDefault) {
        precondition((0...Self.coolDownMillisMax).contains(coolDownMillis), "room number cool-down out of range")
        self.store = store
        self.clock = clock
        self.coolDownMillis = coolDownMillis
    }

    /// The id of the room holding `number`, or nil (also for text that is not a number).
    public func roomID(holding number: String) async throws -> String? {
        guard RoomNumberRules.isNumber(number) else { return nil }
        return try await store.read { tx in try tx.roomID(holding: number) }
    }

    /// The number `roomID` holds, or nil.
    public func number(ofRoom roomID: String) async throws -> String? {
        try await store.read { tx in try tx.number(ofRoom: roomID) }
    }

    /// Gives `number` to `room`, releasing the number the room held before. Assigning a room
    /// the number it holds changes nothing and journals nothing. A listing of the number ends.
    /// - Throws: `RoomNumberError` `invalid_number`, `number_taken`, `number_cooling_down`.
    public func assign(_ number: String, to room: Room, by operatorID: String) async throws -> RoomNumber {
        try RoomNumberRules.check(number)
        let now = clock.nowMillis()
        return try await store.write { [self] tx in
            if case .held = try checkAssignable(tx, number, to: room, now: now) {
                return try Self.row(tx, number, now: now, coolDown: coolDownMillis)
            }
            _ = try release(tx, roomID: room.id, by: operatorID, via: "replaced", now: now)
            try Self.writeAssignment(
                tx, RoomNumberAssignment(
                    number: number, roomID: room.id, streamerID: room.streamerID, by: operatorID, via: "operator",
                    assignedAt: now, priceCoins: nil, transferID: nil))
            return try Self.row(tx, number, now: now, coolDown: coolDownMillis)
        }
    }

    /// Releases `room`'s number; it cools down from now.
    /// - Throws: `RoomNumberError.roomHasNone` (404) when the room holds none.
    public func release(room: Room, by operatorID: String) async throws -> RoomNumberRelease {
        let now = clock.nowMillis()
        return try await store.write { [self] tx in
            guard let release = try release(tx, roomID: room.id, by: operatorID, via: "operator", now: now) else {
                throw RoomNumberError.roomHasNone(roomID: room.id)
            }
            return release
        }
    }

    /// Whether `number` may go to `room` now.
    enum Assignable {
        /// The room holds it already.
        case held
        /// Free, at this listed price (nil: not for sale).
        case free(priceCoins: Int64?)
    }

    /// Checks, reading only, that `number` may go to `room` at `now`.
    /// - Throws: `RoomNumberError` `number_taken`, `number_cooling_down`.
    func checkAssignable(_ tx: any RoomNumberTransaction, _ number: String, to room: Room, now: Int64) throws -> Assignable {
        let row = try tx.assignability(of: number)
        if let holder = row?.roomID {
            if holder == room.id { return .held }
            throw RoomNumberError.taken(number: number, roomID: holder)
        }
        if number != room.id, try tx.roomExists(id: number) {
            throw RoomNumberError.taken(number: number, roomID: number)
        }
        if let releasedAt = row?.releasedAt {
            let freesAt = Self.freesAt(releasedAt, coolDownMillis)
            if now < freesAt { throw RoomNumberError.coolingDown(number: number, freesAt: freesAt) }
        }
        return .free(priceCoins: row?.priceCoins)
    }

    /// Releases the number `roomID` holds, if any, and journals it.
    func release(_ tx: any RoomNumberTransaction, roomID: String, by: String, via: String, now: Int64) throws -> RoomNumberRelease? {
        guard let number = try tx.number(ofRoom: roomID) else { return nil }
        try tx.markReleased(number, at: now)
        let release = RoomNumberRelease(
            number: number, roomID: roomID, by: by, via: via, releasedAt: now, freesAt: Self.freesAt(now, coolDownMillis))
        _ = try tx.journal.append(type: Self.releasedType, payload: release, at: now)
        return release
    }

    /// Writes a checked assignment (ending any listing) and journals it.
    static func writeAssignment(_ tx: any RoomNumberTransaction, _ a: RoomNumberAssignment) throws {
        try tx.saveAssignment(a.number, roomID: a.roomID, at: a.assignedAt)
        _ = try tx.journal.append(type: assignedType, payload: a, at: a.assignedAt)
    }

    /// The end of a cool-down. Both terms are bounded (the clock's milliseconds and
    /// `coolDownMillisMax`), so the sum fits; it saturates rather than trapping if not.
    static func freesAt(_ releasedAt: Int64, _ coolDownMillis: Int64) -> Int64 {
        let (sum, overflow) = releasedAt.addingReportingOverflow(coolDownMillis)
        return overflow ? .max : sum
    }

    /// The stored state of `number` as callers see it at `now`.
    static func row(_ tx: any RoomNumberTransaction, _ number: String, now: Int64, coolDown: Int64) throws -> RoomNumber {
        guard let record = try tx.record(of: number) else {
            return RoomNumber(number: number, roomID: nil, assignedAt: nil, freesAt: nil, priceCoins: nil)
        }
        return Self.number(record, now: now, coolDown: coolDown)
    }

    static func number(_ record: Record, now: Int64, coolDown: Int64) -> RoomNumber {
        var cooling: Int64?
        if record.roomID == nil, let releasedAt = record.releasedAt {
            let end = Self.freesAt(releasedAt, coolDown)
            if now < end { cooling = end }
        }
        return RoomNumber(
            number: record.number, roomID: record.roomID, assignedAt: record.assignedAt, freesAt: cooling, priceCoins: record.priceCoins)
    }
}
