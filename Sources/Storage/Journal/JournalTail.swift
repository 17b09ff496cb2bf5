import Books
import Engine
import GRDB
import Synchronization

/// The journal's newest rows in memory, shared by the consumers that prepare their batches on
/// read snapshots (`OffWriterConsumer`): they follow the head of the journal together, so the
/// first to reach a page reads it from SQLite and the others read it from here. In WAL mode a
/// reader's page cache is emptied whenever another connection has written, so without it every
/// consumer read every page again from the file, once per consumer.
///
/// It holds every row whose offset is in `(low, high]`, as committed (rows are appended only by
/// reads on snapshots, so nothing in it is ever rolled back; journal rows never change once
/// committed). A read answers exactly what `Journal.read` answers on the same snapshot: rows
/// above `high` up to the snapshot's newest are read first, and rows newer than the snapshot
/// are not returned. A read that starts below `low` (a consumer far behind) goes to SQLite and
/// leaves the tail alone; one that starts above `high` starts the tail over from there.
final class JournalTail: Sendable {
    private struct State: Sendable {
        var rows: [Journal.StoredRow] = []
        /// Index of the oldest row kept: rows before it are dropped in bulk.
        var first = 0
        var low: Int64 = 0
        var high: Int64 = 0
        var started = false
        var hits = 0
        var misses = 0

        var count: Int { rows.count - first }

        /// Index of the first row with an offset above `offset` (`rows.count` if none).
        func index(after offset: Int64) -> Int {
            var lo = first
            var hi = rows.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if rows[mid].entry.offset <= offset { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }

        /// Drops the oldest rows while more than `max` are kept, never one above `keepAbove`.
        mutating func trim(to max: Int, keepAbove: Int64) {
            while count > max, rows[first].entry.offset <= keepAbove {
                low = rows[first].entry.offset
                first += 1
            }
            if first > 4_096, first * 2 > rows.count {
                rows.removeFirst(first)
                first = 0
            }
        }
    }

    /// Most rows kept.
    let rowsMax: Int
    /// Most rows one fill reads from SQLite.
    let fillMax: Int
    private let state = Mutex(State())

    /// - Parameters: rowsMax: most rows kept (at least 1); fillMax: most rows read at a time
    ///   (1...`Journal.readLimitMax`).
    init(rowsMax: Int = 32_768, fillMax: Int = 2_048) {
        precondition(rowsMax >= 1 && (1...Journal.readLimitMax).contains(fillMax), "JournalTail bounds out of range")
        self.rowsMax = rowsMax
        self.fillMax = fillMax
    }

    /// Reads answered from the tail, and those that went to SQLite whole.
    var counts: (hits: Int, misses: Int) { state.withLock { ($0.hits, $0.misses) } }

    /// `Journal.read(db, after: position, limit: limit, types: types)` on a read snapshot whose
    /// newest offset is `latest`.
    /// - Throws: as `Journal.read`.
    func read(
        _ db: Database, after position: JournalPosition, limit: Int, types: Set<String>?, latest: Int64
    ) throws -> (entries: [JournalEntry], rows: Int) {
        guard try Journal.mayFind(limit: limit, types: types) else { return ([], 0) }
        let from = position.rowsAfter
        let kept: Kept? = try state.withLock { s in
            if !s.started || from > s.high {
                s = State(rows: [], first: 0, low: from, high: from, started: true, hits: s.hits, misses: s.misses)
            }
            guard from >= s.low else {
                s.misses += 1
                return nil
            }
            s.hits += 1
            // Offsets are dense: the snapshot holds at most `latest - from` rows after `from`.
            var out = Kept(capacity: min(limit, Self.readCapacityMax, Int(clamping: max(0, latest - from))))
            var cursor = from
            while true {
                var i = s.index(after: cursor)
                while i < s.rows.count, out.count < limit {
                    let row = s.rows[i]
                    if row.entry.offset > latest { return out }
                    if types?.contains(row.entry.type) ?? true { out.append(row) }
                    cursor = row.entry.offset
                    i += 1
                }
                if out.count == limit || s.high >= latest { return out }
                // Everything kept is read: the rows the snapshot holds beyond it, a fill at a time.
                cursor = s.high
                let more = try Journal.rows(db, after: s.high, through: latest, limit: fillMax, types: nil)
                s.rows += more
                s.high = more.count == fillMax ? more[more.count - 1].entry.offset : latest
                s.trim(to: rowsMax, keepAbove: cursor)
            }
        }
        guard let kept else {
            let read = try Journal.rows(db, after: from, through: latest, limit: limit, types: types)
            return (try Journal.unpacked(read, after: position), read.count)
        }
        if let rows = kept.rows { return (try Journal.unpacked(rows, after: position), rows.count) }
        return (kept.entries, kept.count)
    }

    /// Most entries a read reserves room for before it takes any (a larger page grows as
    /// arrays do; a consumer of a few types reads many rows to keep a few).
    static let readCapacityMax = 256

    /// The rows a read takes from the tail. Rows without packed facts (nearly all) are taken
    /// as their entries, which is what `Journal.unpacked` makes of them: one copy a row, not a
    /// row copied and then its entry. From the first packed row on, rows are kept whole for
    /// `Journal.unpacked`, which reads only the facts after the read's position.
    private struct Kept {
        /// The entries of the rows taken, while none was packed.
        private(set) var entries: [JournalEntry] = []
        /// The rows taken, once one was packed.
        private(set) var rows: [Journal.StoredRow]?
        private(set) var count = 0

        init(capacity: Int) { entries.reserveCapacity(capacity) }

        mutating func append(_ row: Journal.StoredRow) {
            count += 1
            if rows == nil, row.facts == nil {
                entries.append(row.entry)
                return
            }
            if rows == nil {
                rows = entries.map { Journal.StoredRow(entry: $0, facts: nil) }
                entries = []
            }
            rows?.append(row)
        }
    }
}
