import Engine
import Foundation
import GRDB
import Hummingbird

/// Operator grants and reversals, each journaled with who did it and why (the audit trail).
struct AdminWalletRoutes: RouteArea {
    let store: Store
    let ledger: Ledger

    struct Grant: StrictDecodable {
        static let allowedKeys: Set<String> = ["asset", "amount", "reason", "idempotency_key"]
        let asset: String
        let amount: Int64
        let reason: String
        let idempotencyKey: String
        enum CodingKeys: String, CodingKey {
            case asset, amount, reason
            case idempotencyKey = "idempotency_key"
        }
    }

    struct Reversal: StrictDecodable {
        static let allowedKeys: Set<String> = ["reason", "idempotency_key"]
        let reason: String
        let idempotencyKey: String
        enum CodingKeys: String, CodingKey {
            case reason
            case idempotencyKey = "idempotency_key"
        }
    }

    struct AuditFact: Codable {
        let by: String
        let reason: String
        let transfer: Transfer
    }

    func addRoutes(to routes: AppRoutes) {
        routes.staff.post("wallets/:user/grants") { request, context in
            let me = try context.requirePrincipal()
            let user = try context.parameters.require("user")
            let g = try await request.decodeStrict(as: Grant.self, context: context)
            try Self.checkReason(g.reason)
            let request = TransferRequest(id: "admin-grant:\(g.idempotencyKey)", debit: .system(.promotions, g.asset),
                credit: .user(user, g.asset), asset: g.asset, amount: g.amount, code: "admin_grant", memo: g.reason)
            return try JSONBody.response(try await journaled("admin_grant", key: request.id, by: me.userID, reason: g.reason) { db, now in
                try ledger.apply(db, [request], now: now)[0]
            }, status: .created)
        }
        routes.staff.post("transfers/:id/reversals") { request, context in
            let me = try context.requirePrincipal()
            let original = try context.parameters.require("id")
            let r = try await request.decodeStrict(as: Reversal.self, context: context)
            try Self.checkReason(r.reason)
            let id = "admin-reversal:\(r.idempotencyKey)"
            return try JSONBody.response(try await journaled("admin_reversal", key: id, by: me.userID, reason: r.reason) { db, now in
                try ledger.apply(db, operations: [.reverse(id: id, transferID: original, reason: r.reason)], now: now)[0]
            }, status: .created)
        }
    }

    /// Runs a ledger change and its audit fact in one transaction, stamped by the ledger's clock.
    func journaled(_ type: String, key: String, by: String, reason: String,
                   _ change: @escaping @Sendable (Database, Int64) throws -> Transfer) async throws -> Transfer {
        let now = ledger.clock.nowMillis()
        return try await store.write { db in
            let transfer = try change(db, now)
            _ = try Journal.append(db, type: type, payload: AuditFact(by: by, reason: reason, transfer: transfer), idempotencyKey: key, at: now)
            return transfer
        }
    }

    static func checkReason(_ reason: String) throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty, reason.utf8.count <= 200 else {
            throw RequestError("invalid_reason", .badRequest, "reason must be 1-200 bytes")
        }
    }
}
