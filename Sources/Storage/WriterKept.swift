import Engine
import GRDB

/// An overlay the writer keeps from one group commit to the next (`WriteBatch.kept`): rows it
/// loaded stay in memory after they are flushed, so the next batch reads them without a query.
///
/// What it keeps must always equal the committed rows, so the store tells it whenever that may
/// stop being true: `rowChanged` when a statement on the writer connection that is not the
/// overlay's own flush changes one of its table's rows (a temporary trigger, so no write path
/// can forget to; an `UPDATE` is heard of when it sets a column the overlay watches, which is
/// every column but its `unwatchedColumns`, and a test holds the store's statements to setting
/// one), and `reset` when a transaction fails (its flushes are undone) or another
/// connection has committed since the writer last did (`PRAGMA data_version`; another process
/// sharing the file).
public protocol KeptOverlay: BatchOverlay {
    /// The table whose rows it keeps, and the text column `rowChanged` is told of a changed row
    /// by (its key, or a part of it: the overlay forgets every row that part names).
    static var table: (name: String, key: String) { get }
    /// Columns whose change alone the overlay is not told of: an `UPDATE` that sets only these
    /// fires no trigger. The overlay's flush writes only these, so it pays for no trigger per
    /// row; every other statement that sets one of them must also set a watched column (the
    /// store's own statements do, and a test holds every one of them to it).
    static var unwatchedColumns: Set<String> { get }
    /// Forgets the row named `key`, which a statement other than the overlay's flush changed.
    func rowChanged(_ key: String)
    /// Forgets everything.
    func reset()
}

extension KeptOverlay {
    static var unwatchedColumns: Set<String> { [] }
}

/// The kept overlays of one store's writer. Confined to the writer connection: every method
/// runs on it, inside a write (the triggers' function runs inside the statement that fired it).
final class WriterKept: @unchecked Sendable {
    /// The types a store keeps, each with a trigger on its table.
    static var types: [any KeptOverlay.Type] { [AccountOverlay.self, GiftCombos.self] }
    /// The SQL function the triggers call: (table, key).
    static let changedFunction = "showrunner_kept_changed"

    private var overlays: [ObjectIdentifier: any KeptOverlay] = [:]
    /// The index of gift keys (`WriteBatch.giftKeys`).
    let giftKeys: GiftKeyIndex
    /// The writer's `PRAGMA data_version` when it last looked.
    private var dataVersion: Int64?
    /// Set while a kept overlay flushes: its own writes are not news to it.
    private var flushing = false

    init(giftKeysFlushAt: Int = StoreConfiguration.giftKeysFlushAtDefault) {
        giftKeys = GiftKeyIndex(flushAt: giftKeysFlushAt)
        overlays[ObjectIdentifier(GiftKeyIndex.self)] = giftKeys
    }

    /// The kept overlay of type `O`, made by `make` on first use.
    func overlay<O: KeptOverlay>(_ type: O.Type, make: () -> O) -> O {
        if let existing = overlays[ObjectIdentifier(type)] {
            guard let typed = existing as? O else { preconditionFailure("kept overlay registered under another type") }
            return typed
        }
        let made = make()
        overlays[ObjectIdentifier(type)] = made
        return made
    }

    /// Flushes `overlay`, whose own writes fire no `rowChanged`.
    func flush(_ overlay: any KeptOverlay, _ db: Database) throws {
        try ownWrite { try overlay.flush(db) }
    }

    /// Runs a kept overlay's own write outside its flush (a row it inserts and keeps at once),
    /// which fires no `rowChanged`.
    func ownWrite<T>(_ body: () throws -> T) rethrows -> T {
        flushing = true
        defer { flushing = false }
        return try body()
    }

    /// Told, after a COMMIT, how long it took (`GiftKeyIndex.committed`).
    func committed(nanos: UInt64) { giftKeys.committed(nanos: nanos) }

    /// Forgets everything kept.
    func reset() {
        for overlay in overlays.values { overlay.reset() }
    }

    /// At the start of a write transaction: forgets everything if another connection committed
    /// since the writer last looked. Inside `BEGIN IMMEDIATE` nobody else can commit until the
    /// transaction ends, so what is kept stays true for all of it.
    func checkOutsideWrites(_ db: Database) throws {
        let version = try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version"))
        if let dataVersion, version != dataVersion { reset() }
        dataVersion = version
    }

    /// Registers the triggers' function and creates a temporary trigger per kept table, on the
    /// writer connection (temporary objects belong to the connection that made them).
    func install(on db: Database) throws {
        // Raw: a call during an overlay's own flush (every balance it writes) returns before
        // reading its arguments.
        try db.addRawProcedure(Self.changedFunction, argumentCount: 2) { [self] arguments in
            guard !flushing, let table = arguments.text(0), let key = arguments.text(1) else { return }
            for overlay in overlays.values where type(of: overlay).table.name == table { overlay.rowChanged(key) }
        }
        for type in Self.types {
            let (table, key) = type.table
            // Every column the table has now but the unwatched ones: a column added later is
            // watched without anyone remembering to list it.
            let columns = try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
                .map { $0["name"] as String }
            let watched = columns.filter { !type.unwatchedColumns.contains($0) }
            precondition(watched.contains(key) && type.unwatchedColumns.isSubset(of: columns),
                "kept table \(table) lacks its key \(key) or an unwatched column, or leaves its key unwatched")
            let update = type.unwatchedColumns.isEmpty ? "UPDATE" : "UPDATE OF \(watched.joined(separator: ", "))"
            for (event, name, row) in [("INSERT", "insert", "NEW"), (update, "update", "NEW"), ("DELETE", "delete", "OLD")] {
                try db.execute(sql: """
                    CREATE TEMP TRIGGER IF NOT EXISTS kept_\(table)_\(name) AFTER \(event) ON main.\(table)
                    BEGIN SELECT \(Self.changedFunction)('\(table)', \(row).\(key)); END
                    """)
            }
        }
    }
}
