import Engine
import EngineCore
import Foundation
import Hummingbird
import HummingbirdCore

/// JSON responses with snake_case keys for engine values whose Swift names are camelCase.
enum JSONBody {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    /// A response carrying `value` as JSON.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A response carrying JSON text the engine wrote itself (`GiftReceipt.jsonText`).
    static func response(jsonText: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: jsonText)))
    }
}

extension FlatDictionary<Substring, Substring> {
    /// The `limit` query parameter as an integer (`default` when absent); the route checks its
    /// range.
    /// - Throws: `RequestError` 400 `invalid_query` when it is not an integer.
    func limit(default value: Int) throws(RequestError) -> Int {
        guard let text = get("limit") else { return value }
        guard let n = Int(text) else { throw RequestError("invalid_query", .badRequest, "limit must be an integer") }
        return n
    }
}
