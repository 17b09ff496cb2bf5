import Engine
import GRDB
import GRDBSQLite

/// A value bound by position on the hot write paths.
enum RawValue {
    case int(Int64)
    case text(String)
    case null

    static func text(_ s: String?) -> RawValue { s.map(RawValue.text) ?? .null }
    static func int(_ n: Int64?) -> RawValue { n.map(RawValue.int) ?? .null }
}

extension Statement {
    /// Rows the connection's last `INSERT`, `UPDATE` or `DELETE` changed (`Database.changesCount`
    /// without GRDB's check of the calling queue, which costs as much as the answer on the
    /// writer's hot path; only the writer runs these statements).
    var changesRaw: Int { Int(sqlite3_changes(sqlite3_db_handle(sqliteStatement))) }

    /// The rowid the connection last inserted (`Database.lastInsertedRowID`, as `changesRaw`).
    var lastInsertedRowIDRaw: Int64 { sqlite3_last_insert_rowid(sqlite3_db_handle(sqliteStatement)) }

    /// Binds `values` by position straight to SQLite, steps the statement to completion and
    /// resets it, without GRDB's argument conversions and bookkeeping: on the gift path those
    /// cost about as much as SQLite's own work for a short statement.
    ///
    /// Only for `INSERT`, `UPDATE` and `DELETE` run inside the writer's open transaction (GRDB
    /// needs to see transaction and savepoint statements, and this store registers no
    /// transaction observers).
    /// - Returns: the first column of the first row as an integer, for `RETURNING`; nil when
    ///   the statement returned no row.
    /// - Throws: `DatabaseError` with SQLite's code and message (a constraint, a full disk).
    @discardableResult
    func runRaw(_ values: RawValue...) throws -> Int64? {
        try runRaw(values)
    }

    /// `runRaw(_:)` with the values in an array (a multi-row insert).
    @discardableResult
    func runRaw(_ values: [RawValue]) throws -> Int64? {
        let handle = sqliteStatement
        // As GRDB's own statements inside `inTransaction`: once SQLite has rolled the
        // transaction back by itself (a full disk, an I/O error), a write must fail, not run on
        // in autocommit and outlive the batch it belonged to.
        if sqlite3_get_autocommit(sqlite3_db_handle(handle)) != 0 {
            throw DatabaseError(resultCode: .SQLITE_ABORT, message: "Transaction was aborted", sql: sql)
        }
        bindRaw(values)
        defer { sqlite3_reset(handle) }
        var first: Int64?
        while true {
            let code = sqlite3_step(handle)
            switch code {
            case SQLITE_ROW:
                if first == nil { first = sqlite3_column_int64(handle, 0) }
            case SQLITE_DONE:
                return first
            default:
                throw rawError(code)
            }
        }
    }

    /// Binds `values` by position, steps once and reads the first row with `read` (given the
    /// SQLite statement, for `sqlite3_column_*` or `rawText`/`rawInt`), or returns nil when
    /// there is none: `runRaw` for a `SELECT` of one row by key, on the writer's connection.
    /// - Throws: `DatabaseError` with SQLite's code and message.
    func firstRowRaw<T>(_ values: RawValue..., read: (OpaquePointer) -> T) throws -> T? {
        let handle = sqliteStatement
        bindRaw(values)
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return read(handle)
        case SQLITE_DONE: return nil
        default: throw rawError(code)
        }
    }

    /// Binds `values` by position and reads every row with `read`: `firstRowRaw` for a
    /// `SELECT` of many rows (a consumer's batch of journal entries).
    /// - Throws: `DatabaseError` with SQLite's code and message.
    func allRowsRaw<T>(_ values: [RawValue], capacity: Int = 0, read: (OpaquePointer) -> T) throws -> [T] {
        let handle = sqliteStatement
        bindRaw(values)
        defer { sqlite3_reset(handle) }
        var rows: [T] = []
        rows.reserveCapacity(capacity)
        while true {
            let code = sqlite3_step(handle)
            switch code {
            case SQLITE_ROW: rows.append(read(handle))
            case SQLITE_DONE: return rows
            default: throw rawError(code)
            }
        }
    }

    private func bindRaw(_ values: [RawValue]) {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            switch value {
            case .int(let n): sqlite3_bind_int64(handle, index, n)
            case .null: sqlite3_bind_null(handle, index)
            case .text(var s):
                s.withUTF8 { bytes in
                    _ = sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), rawTransient)
                }
            }
        }
    }

    private func rawError(_ code: Int32) -> DatabaseError {
        let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(sqliteStatement)))
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}

/// Column `index` of the current row as text (NULL reads as an empty string).
func rawText(_ handle: OpaquePointer, _ index: Int32) -> String {
    guard let bytes = sqlite3_column_text(handle, index) else { return "" }
    return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, index))), as: UTF8.self)
}

/// Column `index` of the current row as text, or nil for NULL.
func rawOptionalText(_ handle: OpaquePointer, _ index: Int32) -> String? {
    sqlite3_column_type(handle, index) == SQLITE_NULL ? nil : rawText(handle, index)
}

/// Column `index` of the current row as an integer, or nil for NULL.
func rawInt(_ handle: OpaquePointer, _ index: Int32) -> Int64? {
    sqlite3_column_type(handle, index) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, index)
}

/// SQLite copies the bound bytes (`SQLITE_TRANSIENT`).
private let rawTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// The arguments of a call of a function added with `Database.addRawProcedure`, read straight
/// from SQLite, valid only during the call.
struct RawArguments {
    fileprivate let argv: UnsafeMutablePointer<OpaquePointer?>?
    let count: Int

    /// Argument `index` as text, or nil for NULL (or past the last).
    func text(_ index: Int) -> String? {
        guard index < count, let value = argv?[index], sqlite3_value_type(value) != SQLITE_NULL,
            let bytes = sqlite3_value_text(value)
        else { return nil }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_value_bytes(value))), as: UTF8.self)
    }
}

/// What a raw procedure's registration keeps alive until SQLite drops it.
private final class RawProcedure {
    let body: (RawArguments) -> Void
    init(_ body: @escaping (RawArguments) -> Void) { self.body = body }
}

extension Database {
    /// Registers `body` as the SQL function `name` of `argumentCount` arguments that returns
    /// NULL, called straight by SQLite: unlike GRDB's `DatabaseFunction`, a call copies no
    /// argument until `body` reads it, so a trigger's call that `body` ignores costs almost
    /// nothing (the kept overlays' triggers fire on every balance their own flush writes).
    /// - Throws: `DatabaseError` when SQLite refuses the registration.
    func addRawProcedure(_ name: String, argumentCount: Int32, _ body: @escaping (RawArguments) -> Void) throws {
        let box = Unmanaged.passRetained(RawProcedure(body)).toOpaque()
        let code = sqlite3_create_function_v2(
            sqliteConnection, name, argumentCount, SQLITE_UTF8, box,
            { context, argc, argv in
                let procedure = Unmanaged<RawProcedure>.fromOpaque(sqlite3_user_data(context)!).takeUnretainedValue()
                procedure.body(RawArguments(argv: argv, count: Int(argc)))
                sqlite3_result_null(context)
            },
            nil, nil,
            { box in if let box { Unmanaged<RawProcedure>.fromOpaque(box).release() } })
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "could not register \(name)")
        }
    }
}
