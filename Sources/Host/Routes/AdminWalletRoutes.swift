import Books
import Engine
import EngineCore
import Foundation
import Hummingbird

/// Operator grants and reversals, each journaled with who did it and why (the audit trail),
/// and a look at any user's wallet (`GET /v1/admin/wallets/{user}` and `.../transfers`).
struct AdminWalletRoutes: RouteArea {
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

    func addRoutes(to routes: AppRoutes) {
        routes.staff.get("wallets/:user") { _, context in
            let user = try Self.user(context)
            return try JSONBody.response(WalletRoutes.Balances(balances: try await ledger.balances(user: user)))
        }
        routes.staff.get("wallets/:user/transfers") { request, context in
            let user = try Self.user(context)
            let q = request.uri.queryParameters
            return try JSONBody.response(try await ledger.transfers(user: user, cursor: q.get("cursor"), limit: try q.limit(default: 50)))
        }
        routes.staff.post("wallets/:user/grants") { request, context in
            let me = try context.requirePrincipal()
            let user = try context.parameters.require("user")
            let g = try await request.decodeStrict(as: Grant.self, context: context)
            try AdminAudit.checkReason(g.reason)
            let request = TransferRequest(id: try AdminAudit.ledgerID("admin-grant", key: g.idempotencyKey), debit: .system(.promotions, g.asset),
                credit: .user(user, g.asset), asset: g.asset, amount: g.amount, code: "admin_grant", memo: g.reason)
            return try JSONBody.response(
                try await ledger.audited(.transfer(request), type: "admin_grant", by: me.userID, reason: g.reason), status: .created)
        }
        routes.staff.post("transfers/:id/reversals") { request, context in
            let me = try context.requirePrincipal()
            let original = try context.parameters.require("id")
            let r = try await request.decodeStrict(as: AdminAudit.ReasonBody.self, context: context)
            try AdminAudit.checkReason(r.reason)
            let id = try AdminAudit.ledgerID("admin-reversal", key: r.idempotencyKey)
            let reversal = LedgerOperation.reverse(id: id, transferID: original, reason: r.reason)
            return try JSONBody.response(
                try await ledger.audited(reversal, type: "admin_reversal", by: me.userID, reason: r.reason), status: .created)
        }
    }

    /// The `{user}` path segment, checked as a user id.
    static func user(_ context: AppRequestContext) throws -> String {
        let user = try context.parameters.require("user")
        guard Principal.isValidUserID(user) else {
            throw RequestError("invalid_user_id", .badRequest, "a user id is 1-64 of [A-Za-z0-9_-]")
        }
        return user
    }
}
