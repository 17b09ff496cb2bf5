import Engine
import GRDB

/// The idempotency index of gift sends, written off the send path.
///
/// A gift's journal row holds its key (`journal.gift_key`, `gift:<sender>:<key>`) under no
/// index. A unique index on it had every send dirty an index page of its own in every group
/// commit (concurrent senders' keys lie far apart in it), and that page's WAL frame at COMMIT:
/// with it the statements of a send ran at about half the rate they reach without it
/// (`benchmarks/money/gift_key_floor.c`; `benchmarks/LOG.md`, 2026-12-05T09:41Z). Instead
/// `gift_keys` maps a key to its row for every gift row up to `gift_keys_indexed.through`, and
/// the rows after it (the tail) are indexed in the writer's memory. Once the tail holds
/// `flushAt` keys, the writer writes them into `gift_keys` in key order, so that each page of
/// the index is written once for many keys: a sixteenth of them (`chunksPerFlush`) in each
/// group commit that has sends, from the commit of the send that filled the tail on, so no one
/// commit writes them all (a stall for every send of its batch); a sixty-fourth
/// (`chunksPerFlushSlow`) once one of those commits was slow (random keys: a page each). `through` moves to their last
/// row with the last chunk; until then the keys stay in memory too. A chunk written before a
/// failed transaction, another connection's commit or a restart is written again when the tail
/// is read again: a key already in `gift_keys` at its own row is left as it is.
///
/// A key not in the tail is searched for in `gift_keys` only when the writer's filter of that
/// table's keys (`GiftKeyFilter`, built off the writer from the first lookup on, and again after
/// a reset and when it fills up) does not rule it out: a new send's key, most of them, costs a hash, not a search.
///
/// A refused send's key is written into `gift_keys` at once, as refused (offset 0, which no
/// journal row has; the refusal itself is its `gift_sends` row): refusals are few, and so one
/// lookup answers a send whatever its first outcome was.
///
/// The tail is the writer's and is rebuilt from the journal (the rows after `through`) the
/// first time it is needed after the store opens, after a transaction that failed (its flush
/// may be undone) and after another connection committed (`KeptOverlay.reset`). A key is in
/// the tail or in `gift_keys` from the statement that wrote its row, so a retried send finds
/// its first outcome in the same batch, a later one, or after a crash, and one key never gets
/// two. `SQLiteGiftKeys.offset` answers for sent gifts from SQL alone, for readers.
final class GiftKeyIndex: KeptOverlay {
    /// What a key was first used for.
    enum Record: Equatable {
        /// A gift sent: its journal row.
        case sent(offset: Int64)
        /// A send refused: its refusal is in `gift_sends`.
        case refused
    }

    /// Tail keys that make a flush: the writer starts writing them into `gift_keys` in the next
    /// flush of its batch once it holds this many.
    let flushAt: Int
    /// Commits a flush's keys are spread over: each writes this share of them (rounded up), so
    /// a flush ends within this many commits however many keys it took.
    static let chunksPerFlush = 16
    /// Commits a flush's keys are spread over once a commit with one of its chunks took longer
    /// than `slowCommitNanos`: random keys (UUIDs) lie on a page each, and a commit of 128 of
    /// them stalled every send of its batch (a hot streamer's p99 three times higher); keys in
    /// order (each sender's numbered) share pages and keep the shorter flush.
    static let chunksPerFlushSlow = 64
    static let slowCommitNanos: UInt64 = 250_000
    /// Whether the flush under way writes its smaller chunks, and whether the batch being
    /// committed wrote a chunk.
    private var slowFlush = false
    private var chunkInBatch = false
    /// Keys a flush's statement inserts: one statement a key spent as much time stepping in and
    /// out of SQLite as inserting.
    static let rowsPerInsert = 32
    static let insertSQL = insertSQL(rows: rowsPerInsert)

    /// The upsert of `rows` keys (`(?, ?)` each: key, offset).
    static func insertSQL(rows: Int) -> String {
        """
        INSERT INTO gift_keys (key, offset) VALUES \(Array(repeating: "(?, ?)", count: rows).joined(separator: ", "))
            ON CONFLICT (key) DO UPDATE SET offset = excluded.offset WHERE offset = excluded.offset
        """
    }

    private var loaded = false
    /// Keys of the gift rows after `through`, each to its row's offset.
    private var tail: [String: Int64] = [:]
    /// The flush under way: the tail's keys when it began, in key order, and how many are
    /// written; empty when none is.
    private var flushing: [(key: String, offset: Int64)] = []
    private var written = 0

    /// The filter of the keys in `gift_keys` (`GiftKeyFilter`), once one is built; nil before,
    /// and always when no builder is given (then every key not in the tail is searched for).
    private var filter: GiftKeyFilter?
    /// A build under way off the writer, and the keys written into `gift_keys` since it began,
    /// which its snapshot may not hold: they go into the new filter when it arrives.
    private var building: (delivery: GiftKeyFilterDelivery, since: [String])?
    /// Starts a build off the writer (`GiftKeyFilter.build` on a reader), which delivers to the
    /// box it is given; set by `keepFilter`.
    private var buildFilter: (@Sendable (GiftKeyFilterDelivery) -> Void)?
    /// Whether the last build failed: none is begun again before the next reset.
    private var buildFailed = false
    /// Lookups of keys not in the tail: answered by the filter alone, and by searching `gift_keys`.
    private(set) var filterAnswers = 0
    private(set) var indexSearches = 0
    /// Whether a filter is in use, after taking one that has arrived.
    func filterInUse() -> Bool {
        if building != nil { takeBuiltFilter() }
        return filter != nil
    }

    init(flushAt: Int = StoreConfiguration.giftKeysFlushAtDefault) {
        precondition(flushAt > 0, "a flush writes at least one key")
        self.flushAt = flushAt
    }

    /// `gift_keys` is written by this index's flush alone, so no trigger tells it of changes.
    static var table: (name: String, key: String) { ("gift_keys", "key") }

    /// Keeps a filter of the keys in `gift_keys`, which `build` builds off the writer: at the
    /// first lookup of a key (so a store that sends no gift, a command-line tool's, scans
    /// nothing), again after a reset, and whenever the one in use holds more keys than it was
    /// sized for. This writer looks every key up before it writes one, so a key it writes after a
    /// build begins is in the build's snapshot or among the keys kept for it (`building.since`).
    func keepFilter(build: @escaping @Sendable (GiftKeyFilterDelivery) -> Void) {
        precondition(buildFilter == nil, "the gift keys' filter is kept once")
        buildFilter = build
    }

    private func beginBuild() {
        guard let buildFilter, building == nil else { return }
        let delivery = GiftKeyFilterDelivery()
        building = (delivery, [])
        buildFilter(delivery)
    }

    /// Takes a filter built off the writer, if one has arrived, with the keys written since
    /// its build began.
    private func takeBuiltFilter() {
        guard let pending = building, let outcome = pending.delivery.take() else { return }
        building = nil
        guard case .built(var built) = outcome else {
            buildFailed = true
            return
        }
        for key in pending.since { built.add(key) }
        filter = built
    }

    /// Tells the filter (and a build under way) of a key about to be written into `gift_keys`.
    private func writing(_ key: String) {
        filter?.add(key)
        building?.since.append(key)
    }

    /// Starts a bigger filter's build once the one in use holds more keys than it was sized for.
    private func growFilterIfFull() {
        if let filter, filter.count > filter.capacity { beginBuild() }
    }

    /// What `key` was first used for, if anything: from the tail, else from `gift_keys` (not
    /// searched when the filter says the key was never written there).
    /// - Throws: database errors.
    func record(of key: String, _ db: Database) throws -> Record? {
        try load(db)
        if let offset = tail[key] { return .sent(offset: offset) }
        if building != nil {
            takeBuiltFilter()
        } else if filter == nil, !buildFailed {
            beginBuild()
        }
        if let filter, !filter.mayContain(key) {
            filterAnswers += 1
            return nil
        }
        indexSearches += 1
        return try db.cachedStatement(sql: "SELECT offset FROM gift_keys WHERE key = ?")
            .firstRowRaw(.text(key), read: { rawInt($0, 0) ?? 0 })
            .map { $0 > 0 ? .sent(offset: $0) : .refused }
    }

    /// Records `key` as refused (after `record(of:_:)` found nothing), in `gift_keys` at once.
    /// - Throws: database errors (a key recorded already is a constraint error).
    func refused(_ key: String, _ db: Database) throws {
        writing(key)
        try db.cachedStatement(sql: "INSERT INTO gift_keys (key, offset) VALUES (?, 0)").runRaw(.text(key))
        growFilterIfFull()
    }

    /// Takes the key of a gift row just written (after `record(of:_:)` found nothing).
    func added(_ key: String, offset: Int64) {
        precondition(loaded, "a gift key is looked up before its row is written")
        tail[key] = offset
    }

    /// Writes the next chunk of keys of the flush under way into `gift_keys`, in key order,
    /// starting one when the tail holds `flushAt` keys; with the last chunk, moves `through` to
    /// the flush's last row and drops its keys from memory. A failed transaction resets the
    /// index, which reads the tail again from what was committed.
    /// - Throws: database errors; a key already in `gift_keys` at another row is a constraint
    ///   error (one key never names two rows).
    func flush(_ db: Database) throws {
        if flushing.isEmpty {
            guard tail.count >= flushAt else { return }
            flushing = tail.map { (key: $0.key, offset: $0.value) }.sorted { $0.key < $1.key }
            written = 0
            slowFlush = false
        }
        // A key written by a chunk that committed before the tail was read again is there at
        // its own row already: the upsert leaves it (and counts it as changed), and refuses it
        // at any other row (no change: the count falls short).
        let chunks = slowFlush ? Self.chunksPerFlushSlow : Self.chunksPerFlush
        let chunk = (flushing.count + chunks - 1) / chunks
        chunkInBatch = true
        let end = min(written + chunk, flushing.count)
        var from = written
        while from < end {
            let rows = min(Self.rowsPerInsert, end - from)
            let insert = try db.cachedStatement(sql: rows == Self.rowsPerInsert ? Self.insertSQL : Self.insertSQL(rows: rows))
            var values: [RawValue] = []
            values.reserveCapacity(rows * 2)
            for (key, offset) in flushing[from..<from + rows] {
                writing(key)
                values.append(.text(key))
                values.append(.int(offset))
            }
            try insert.runRaw(values)
            guard insert.changesRaw == rows else {
                let at = flushing[from..<from + rows].map { "\($0.key) at \($0.offset)" }.joined(separator: ", ")
                throw DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "a gift key of [\(at)] is indexed at another row")
            }
            from += rows
        }
        written = end
        growFilterIfFull()
        guard written == flushing.count else { return }
        let through = flushing.reduce(0) { max($0, $1.offset) }
        try db.cachedStatement(sql: "UPDATE gift_keys_indexed SET through = ? WHERE one = 1").runRaw(.int(through))
        for (key, _) in flushing { tail[key] = nil }
        flushing.removeAll(keepingCapacity: true)
        written = 0
    }

    /// Told how long a batch's COMMIT took (on the writer, after it): a slow one that wrote a
    /// chunk makes the rest of the flush write smaller ones.
    func committed(nanos: UInt64) {
        if chunkInBatch, nanos > Self.slowCommitNanos { slowFlush = true }
        chunkInBatch = false
    }

    func rowChanged(_ key: String) {}

    /// Forgets the tail, the flush under way and the filter (a new one is built from the next
    /// lookup on). A reset follows a failed transaction (whose keys only make a filter say yes
    /// more often) or another connection's commit, which may have written keys this writer
    /// never saw: only a filter built from a snapshot after it may rule keys out again (another
    /// commit after that snapshot resets again, before the next batch's first lookup).
    func reset() {
        loaded = false
        tail.removeAll()
        flushing.removeAll()
        written = 0
        chunkInBatch = false
        filter = nil
        building = nil
        buildFailed = false
    }

    /// Reads the tail from the journal: the gift rows after `through`.
    private func load(_ db: Database) throws {
        guard !loaded else { return }
        // Empty here: nothing was loaded yet, or `reset` emptied it.
        let through = try SQLiteGiftKeys.indexedThrough(db)
        for (key, offset) in try SQLiteGiftKeys.tail(db, after: through) { tail[key] = offset }
        loaded = true
    }
}

/// The statements of the gift keys' index (`GiftKeyIndex`) that readers use: SQL alone, on any
/// connection and snapshot.
enum SQLiteGiftKeys {
    /// The offset of the gift row holding `key`, if any (nil for a refused send's key):
    /// `gift_keys`, else the rows after `through` (at most `GiftKeyIndex.flushAt` of them and
    /// the sends of the commits a flush takes, read in offset order: gift rows have no entry in
    /// the journal's type index).
    /// - Throws: database errors.
    static func offset(_ db: Database, key: String) throws -> Int64? {
        try db.cachedStatement(sql: """
            SELECT offset FROM gift_keys WHERE key = ?1 AND offset > 0
            UNION ALL
            SELECT offset FROM journal
                WHERE type = 'gift' AND offset > (SELECT through FROM gift_keys_indexed) AND gift_key = ?1
            LIMIT 1
            """).firstRowRaw(.text(key), read: { rawInt($0, 0) ?? 0 })
    }

    /// The last gift row whose key is in `gift_keys`.
    static func indexedThrough(_ db: Database) throws -> Int64 {
        try db.cachedStatement(sql: "SELECT through FROM gift_keys_indexed WHERE one = 1")
            .firstRowRaw(read: { rawInt($0, 0) ?? 0 }) ?? 0
    }

    /// The keys of the gift rows after `offset`, with their offsets.
    static func tail(_ db: Database, after offset: Int64) throws -> [(key: String, offset: Int64)] {
        try db.cachedStatement(sql: "SELECT gift_key, offset FROM journal WHERE type = 'gift' AND offset > ? AND gift_key IS NOT NULL")
            .allRowsRaw([.int(offset)]) { (key: rawText($0, 0), offset: rawInt($0, 1) ?? 0) }
    }

    /// Forgets the keys of gift rows after `offset` (a what-if replay's copy cut at it);
    /// refused keys stay.
    static func cut(_ db: Database, after offset: Int64) throws {
        try db.execute(sql: "DELETE FROM gift_keys WHERE offset > ?", arguments: [offset])
        try db.execute(sql: "UPDATE gift_keys_indexed SET through = MIN(through, ?)", arguments: [offset])
    }
}
