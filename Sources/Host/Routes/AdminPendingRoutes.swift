import Books
import Engine
import Hummingbird

/// Operator two-phase transfers: reserve money now (`pending`), then move up to that amount
/// (`post`) or release it (`void`); an open reservation expires on the ledger's clock. Every
/// change is journaled with who did it and why, and idempotent by key: the same key and body
/// answer the first result (or the first refusal), another body is `idempotency_conflict`.
struct AdminPendingRoutes: RouteArea {
    let ledger: Ledger

    /// `POST /v1/admin/pending-transfers`.
    struct Create: StrictDecodable {
        static let allowedKeys: Set<String> = ["debit", "credit", "asset", "amount", "timeout_millis", "reason", "idempotency_key"]
        let debit: String
        let credit: String
        let asset: String
        let amount: Int64
        let timeoutMillis: Int64
        let reason: String
        let idempotencyKey: String
        enum CodingKeys: String, CodingKey {
            case debit, credit, asset, amount, reason
            case timeoutMillis = "timeout_millis"
            case idempotencyKey = "idempotency_key"
        }
    }

    /// `POST /v1/admin/pending-transfers/:id/post`; without `amount`, the whole reservation.
    struct Post: StrictDecodable {
        static let allowedKeys: Set<String> = ["amount", "reason", "idempotency_key"]
        let amount: Int64?
        let reason: String
        let idempotencyKey: String
        enum CodingKeys: String, CodingKey {
            case amount, reason
            case idempotencyKey = "idempotency_key"
        }
    }

    func addRoutes(to routes: AppRoutes) {
        routes.staff.post("pending-transfers") { request, context in
            let me = try context.requirePrincipal()
            let c = try await request.decodeStrict(as: Create.self, context: context)
            try AdminAudit.checkReason(c.reason)
            let transfer = TransferRequest(id: try AdminAudit.ledgerID("admin-pending", key: c.idempotencyKey), debit: try AccountID(parsing: c.debit),
                credit: try AccountID(parsing: c.credit), asset: c.asset, amount: c.amount, code: "admin_pending", memo: c.reason)
            let operation = LedgerOperation.pending(transfer, timeoutMillis: c.timeoutMillis)
            return try await respond("admin_pending", operation, by: me.userID, reason: c.reason)
        }
        routes.staff.get("pending-transfers/:id") { _, context in
            try JSONBody.response(try await ledger.pendingStatus(id: try context.parameters.require("id")))
        }
        routes.staff.post("pending-transfers/:id/post") { request, context in
            let me = try context.requirePrincipal()
            let pendingID = try context.parameters.require("id")
            let p = try await request.decodeStrict(as: Post.self, context: context)
            try AdminAudit.checkReason(p.reason)
            let operation = LedgerOperation.post(id: try AdminAudit.ledgerID("admin-post", key: p.idempotencyKey), pendingID: pendingID, amount: p.amount)
            return try await respond("admin_post", operation, by: me.userID, reason: p.reason)
        }
        routes.staff.post("pending-transfers/:id/void") { request, context in
            let me = try context.requirePrincipal()
            let pendingID = try context.parameters.require("id")
            let v = try await request.decodeStrict(as: AdminAudit.ReasonBody.self, context: context)
            try AdminAudit.checkReason(v.reason)
            let operation = LedgerOperation.void(id: try AdminAudit.ledgerID("admin-void", key: v.idempotencyKey), pendingID: pendingID)
            return try await respond("admin_void", operation, by: me.userID, reason: v.reason)
        }
    }

    /// Applies one operation with its audit fact; 201 with the transfer written (or replayed).
    private func respond(_ type: String, _ operation: LedgerOperation, by: String, reason: String) async throws -> Response {
        let transfer = try await ledger.audited(operation, type: type, by: by, reason: reason)
        return try JSONBody.response(transfer, status: .created)
    }
}
