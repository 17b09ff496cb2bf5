import Books
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// The caller's wallet: balances and paginated history.
struct WalletRoutes: RouteArea {
    let ledger: Ledger

    struct Balances: Encodable {
        let balances: [String: Int64]
    }

    func addRoutes(to routes: AppRoutes) {
        routes.authenticated.get("wallet") { _, context in
            let me = try context.requirePrincipal()
            return try JSONBody.response(Balances(balances: try await ledger.balances(user: me.userID)))
        }
        routes.authenticated.get("wallet/transfers") { request, context in
            let me = try context.requirePrincipal()
            let q = request.uri.queryParameters
            let limit = try q.limit(default: 50)
            return try JSONBody.response(try await ledger.transfers(user: me.userID, cursor: q.get("cursor"), limit: limit))
        }
    }
}

/// `POST /v1/payments/callback`: a payment provider's signed notice that coins were bought.
/// Public (no token): the HMAC signature over `"<X-Timestamp>.<body>"` is the authentication.
struct PaymentRoutes: RouteArea {
    let topUps: TopUps

    static let timestampHeader = HTTPField.Name("X-Timestamp")!
    static let signatureHeader = HTTPField.Name("X-Signature")!

    func addRoutes(to routes: AppRoutes) {
        routes.root.post("v1/payments/callback") { request, context in
            let buffer = try await request.body.collect(upTo: context.requestBodyBytesMax)
            let body = Array(buffer.readableBytesView)
            try topUps.verify(body: body, timestamp: request.headers[Self.timestampHeader], signature: request.headers[Self.signatureHeader])
            let callback = try StrictJSON.decode(PaymentCallback.self, from: Data(body))
            return try JSONBody.response(try await topUps.credit(callback))
        }
    }
}

extension PaymentCallback: StrictDecodable {
    static var allowedKeys: Set<String> { keys }
}
