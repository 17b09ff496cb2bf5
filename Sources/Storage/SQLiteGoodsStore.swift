import Books
import Engine
import Foundation
import GRDB

/// `GoodsStore` on the SQLite store: `goods` and `goods_review`.
public struct SQLiteGoodsStore: GoodsStore {
    let store: Store

    public init(_ store: Store) { self.store = store }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any GoodsTransaction) throws -> T) async throws -> T {
        try await store.write { db in try body(Transaction(db: db)) }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any GoodsTransaction) throws -> T) async throws -> T {
        try await store.read { db in try body(Transaction(db: db)) }
    }

    /// One good, read in the caller's transaction (an order's).
    static func goods(_ db: Database, id: Int64) throws -> Goods? { try Transaction(db: db).goods(id: id) }

    /// A good's edit as stored.
    static func body(_ edit: GoodsEdit) throws -> String { String(decoding: try JSONEncoder.sorted.encode(edit), as: UTF8.self) }

    struct Transaction: GoodsTransaction {
        let db: Database

        func reviewSettings() throws -> GoodsReviewSettings? {
            guard let row = try Row.fetchOne(db, sql: "SELECT words, reject_threshold, review_threshold FROM goods_review WHERE id = 1") else { return nil }
            return GoodsReviewSettings(
                words: try JSONDecoder().decode([GoodsWord].self, from: Data((row["words"] as String).utf8)),
                rejectThreshold: row["reject_threshold"], reviewThreshold: row["review_threshold"])
        }

        func saveReviewSettings(_ s: GoodsReviewSettings, by operatorID: String, at now: Int64) throws {
            let json = String(decoding: try JSONEncoder.sorted.encode(s.words), as: UTF8.self)
            try db.execute(
                sql: """
                    INSERT INTO goods_review (id, words, reject_threshold, review_threshold, updated_by, updated_at) VALUES (1, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET words = excluded.words, reject_threshold = excluded.reject_threshold,
                        review_threshold = excluded.review_threshold, updated_by = excluded.updated_by, updated_at = excluded.updated_at
                    """, arguments: [json, s.rejectThreshold, s.reviewThreshold, operatorID, now])
        }

        func goods(id: Int64) throws -> Goods? { try all("SELECT * FROM goods WHERE id = ?", [id]).first }

        func goods(_ query: GoodsQuery) throws -> [Goods] {
            switch query {
            case .listedPublic(let streamer):
                try all("SELECT * FROM goods WHERE streamer_id = ? AND state = 'listed' AND for_viewer IS NULL ORDER BY id DESC", [streamer])
            case .offers(let viewer, let at):
                try all("SELECT * FROM goods WHERE for_viewer = ? AND state = 'listed' AND offer_expires_at > ? ORDER BY id DESC", [viewer, at])
            case .ofStreamer(let streamer): try all("SELECT * FROM goods WHERE streamer_id = ? ORDER BY id DESC", [streamer])
            case .inReview(let limit): try all("SELECT * FROM goods WHERE state = 'in_review' ORDER BY id LIMIT ?", [limit])
            case .listed: try all("SELECT * FROM goods WHERE state = 'listed' ORDER BY id", [])
            }
        }

        func openCount(streamerID: String) throws -> Int {
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM goods WHERE streamer_id = ? AND state != 'delisted'", arguments: [streamerID]) ?? 0
        }

        func insert(streamerID: String, _ edit: GoodsEdit, state: Goods.State, score: Int64, matched: [String], at now: Int64) throws -> Goods {
            try db.execute(
                sql: """
                    INSERT INTO goods (streamer_id, body, for_viewer, offer_expires_at, state, score, matched, version, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
                    """,
                arguments: [streamerID, try body(edit), edit.forViewer, edit.offerExpiresAt, state.rawValue, score, Self.list(matched), now, now])
            return try stored(db.lastInsertedRowID)
        }

        func replace(id: Int64, _ edit: GoodsEdit, state: Goods.State, score: Int64, matched: [String], at now: Int64) throws -> Goods {
            try db.execute(
                sql: """
                    UPDATE goods SET body = ?, for_viewer = ?, offer_expires_at = ?, state = ?, score = ?, matched = ?, reason = NULL,
                        version = version + 1, updated_at = ? WHERE id = ?
                    """,
                arguments: [try body(edit), edit.forViewer, edit.offerExpiresAt, state.rawValue, score, Self.list(matched), now, id])
            return try stored(id)
        }

        func rescore(id: Int64, score: Int64, matched: [String]) throws {
            try db.execute(sql: "UPDATE goods SET score = ?, matched = ? WHERE id = ?", arguments: [score, Self.list(matched), id])
        }

        func changeState(id: Int64, to state: Goods.State, reason: String?, score: (Int64, [String])?, at now: Int64) throws -> Goods {
            if let (score, matched) = score {
                try db.execute(
                    sql: "UPDATE goods SET state = ?, score = ?, matched = ?, reason = ?, version = version + 1, updated_at = ? WHERE id = ?",
                    arguments: [state.rawValue, score, Self.list(matched), reason, now, id])
            } else {
                try db.execute(
                    sql: "UPDATE goods SET state = ?, reason = ?, version = version + 1, updated_at = ? WHERE id = ?",
                    arguments: [state.rawValue, reason, now, id])
            }
            return try stored(id)
        }

        func journal(type: String, payload: some Encodable & Sendable, at now: Int64) throws {
            _ = try Journal.append(db, type: type, payload: payload, at: now)
        }

        private func body(_ edit: GoodsEdit) throws -> String { try SQLiteGoodsStore.body(edit) }

        private func stored(_ id: Int64) throws -> Goods {
            // Written just before in this transaction: absent only if the store is broken.
            guard let g = try goods(id: id) else { preconditionFailure("goods \(id) is missing inside the transaction that wrote it") }
            return g
        }

        static func list(_ terms: [String]) -> String {
            String(decoding: (try? JSONEncoder.sorted.encode(terms)) ?? Data("[]".utf8), as: UTF8.self)
        }

        private func all(_ sql: String, _ arguments: [any DatabaseValueConvertible]) throws -> [Goods] {
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                Goods(
                    id: row["id"], streamerID: row["streamer_id"],
                    goods: try JSONDecoder().decode(GoodsEdit.self, from: Data((row["body"] as String).utf8)),
                    state: Goods.State(rawValue: row["state"]) ?? .delisted, score: row["score"],
                    matched: try JSONDecoder().decode([String].self, from: Data((row["matched"] as String).utf8)), reason: row["reason"],
                    version: row["version"], createdAt: row["created_at"], updatedAt: row["updated_at"])
            }
        }
    }
}
