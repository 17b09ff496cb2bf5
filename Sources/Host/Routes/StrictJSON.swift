import Engine
import EngineCore
import Foundation
import Hummingbird

/// A request body type decoded strictly: besides `Decodable`, it names every top-level key
/// it accepts, so a misspelt or unsupported field is an error instead of silently ignored.
/// ```swift
/// struct SendGift: StrictDecodable {
///     static let allowedKeys: Set<String> = ["gift_id", "count"]
///     let giftID: String
///     let count: Int
///     enum CodingKeys: String, CodingKey { case giftID = "gift_id", count }
/// }
/// let command = try await request.decodeStrict(as: SendGift.self, context: context)
/// ```
protocol StrictDecodable: Decodable {
    /// Every top-level JSON key the type accepts (usually its `CodingKeys` raw values).
    static var allowedKeys: Set<String> { get }
    /// The keys accepted in nested objects, by path (`split`, `words.*`); see
    /// `StrictJSONSyntax.validateObject(_:nested:)`. None by default.
    static var nestedAllowedKeys: [String: Set<String>] { get }
}

extension StrictDecodable {
    static var nestedAllowedKeys: [String: Set<String>] { [:] }
}

extension Request {
    /// Reads the body (at most `context.requestBodyBytesMax` bytes) and decodes it strictly.
    /// - Throws: `RequestError` 413 `payload_too_large`, 400 `malformed_json` (not a JSON
    ///   object), 400 `unknown_field` (names the field), 400 `invalid_field` (missing, null or
    ///   wrongly typed field; names its path).
    func decodeStrict<T: StrictDecodable>(as type: T.Type, context: AppRequestContext) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: context.requestBodyBytesMax)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw RequestError.payloadTooLarge(bodyBytesMax: context.requestBodyBytesMax)
        }
        return try StrictJSON.decode(type, from: Data(buffer.readableBytesView))
    }
}

/// The strict decoding steps, separate from HTTP so they are easy to test and reuse.
enum StrictJSON {
    /// Decodes `data` as `T`, refusing malformed JSON, non-objects, unknown and invalid fields.
    /// The text is first checked by `StrictJSONSyntax` (exact syntax, no duplicate keys, integers
    /// only, no control characters), so Foundation's decoder only ever sees text it reads exactly.
    /// - Throws: `RequestError` `malformed_json`, `duplicate_field`, `unknown_field` or `invalid_field`.
    static func decode<T: StrictDecodable>(_ type: T.Type, from data: Data) throws(RequestError) -> T {
        if let flat = type as? any FlatStrictDecodable.Type {
            guard let value = try decodeFlat(flat, from: data) as? T else { preconditionFailure("flat decode returned another type") }
            return value
        }
        let keys: Set<String>
        do {
            keys = try StrictJSONSyntax.validateObject(data, nested: T.nestedAllowedKeys)
        } catch {
            throw RequestError(error.code, .badRequest, error.message)
        }
        if let unknown = keys.subtracting(T.allowedKeys).sorted().first {
            throw RequestError("unknown_field", .badRequest, "unknown field '\(unknown)'")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw RequestError("invalid_field", .badRequest, describe(error))
        } catch {
            throw RequestError("invalid_field", .badRequest, "invalid request body")
        }
    }

    /// One pass for a flat body: the strict reader checks the text and hands back the top-level
    /// values, which the type reads with the messages `JSONDecoder`'s errors give.
    static func decodeFlat<T: FlatStrictDecodable>(_ type: T.Type, from data: Data) throws(RequestError) -> T {
        let values: [String: StrictJSONValue]
        do {
            values = try StrictJSONSyntax.parseFlatObject(data)
        } catch {
            throw RequestError(error.code, .badRequest, error.message)
        }
        if let unknown = Set(values.keys).subtracting(T.allowedKeys).sorted().first {
            throw RequestError("unknown_field", .badRequest, "unknown field '\(unknown)'")
        }
        return try T(fields: FlatFields(values: values))
    }

    /// A client-facing sentence naming the field a `DecodingError` is about.
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            "missing field '\(path(context.codingPath + [key]))'"
        case .valueNotFound(_, let context):
            "field '\(path(context.codingPath))' must not be null"
        case .typeMismatch(let type, let context):
            "field '\(path(context.codingPath))' must be of type \(type)"
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            // The syntax was already checked, so this is Foundation refusing a number that does
            // not fit the field's type; it does not say which field.
            "invalid field: a number is out of range or not an integer where one is required"
        case .dataCorrupted(let context):
            "invalid field '\(path(context.codingPath))': \(context.debugDescription)"
        @unknown default:
            "invalid request body"
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}

/// A body of strings and integers at the top level, read in the strict reader's one pass
/// (`StrictJSON.decodeFlat`) instead of a second decode by `JSONDecoder`: the hot routes'.
protocol FlatStrictDecodable: StrictDecodable {
    init(fields: FlatFields) throws(RequestError)
}

/// The top-level values of a flat body, read by key with `JSONDecoder`'s wording for errors.
struct FlatFields {
    let values: [String: StrictJSONValue]

    func string(_ key: String) throws(RequestError) -> String {
        switch values[key] {
        case .string(let s): return s
        case let other: throw Self.error(key, other, type: "String")
        }
    }

    func integer(_ key: String) throws(RequestError) -> Int64 {
        switch values[key] {
        case .integer(let i): return i
        case let other: throw Self.error(key, other, type: "Int64")
        }
    }

    private static func error(_ key: String, _ found: StrictJSONValue?, type: String) -> RequestError {
        switch found {
        case nil: RequestError("invalid_field", .badRequest, "missing field '\(key)'")
        case .null: RequestError("invalid_field", .badRequest, "field '\(key)' must not be null")
        default: RequestError("invalid_field", .badRequest, "field '\(key)' must be of type \(type)")
        }
    }
}
