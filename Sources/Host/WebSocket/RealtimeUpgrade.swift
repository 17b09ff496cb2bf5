import Engine
import EngineCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Rooms

/// Decides WebSocket upgrades of `GET /v1/rooms/{room}/ws`: the token (header or `?token=`;
/// none means an anonymous watcher), the room (through the one `RoomResolver`) and the resume
/// cursor (`?epoch=&offset=`) are all checked *before* upgrading. A refused upgrade is answered
/// `400` (`RealtimeChannel`); a plain `GET` on the same URL explains why (see `RealtimeRoutes`).
struct RealtimeUpgrade: Sendable {
    /// The checked request: who, which room, from where.
    struct Admission: Sendable {
        let principal: Principal?
        let room: Room
        let cursor: RoomPosition?
    }

    let signer: TokenSigner
    let now: @Sendable () -> Date
    let resolver: RoomResolver

    /// The room segment of `/v1/rooms/{room}/ws`, or nil for another path.
    static func roomSegment(ofPath path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "v1", parts[2] == "rooms", parts[4] == "ws",
              !parts[3].isEmpty else { return nil }
        return String(parts[3]).removingPercentEncoding
    }

    /// Checks a request for the realtime endpoint.
    /// - Throws: `AuthError` (bad token), `RoomError.notFound`, `RequestError` `invalid_cursor`.
    func admit(_ request: Request, segment: String) async throws -> Admission {
        let token = try AuthMiddleware.token(in: request)
        let principal = token.isEmpty ? nil : try signer.verify(token, now: now())
        let room = try await resolver.resolve(segment)
        return Admission(principal: principal, room: room, cursor: try Self.cursor(request.uri.queryParameters))
    }

    /// `?epoch=&offset=`: both or neither.
    static func cursor(_ query: Parameters) throws -> RoomPosition? {
        let epoch = query.get("epoch")
        let offset = query.get("offset")
        if epoch == nil, offset == nil { return nil }
        guard let epoch, let offset, let value = Int64(offset), value >= 0 else {
            throw RequestError("invalid_cursor", .badRequest, "epoch and offset (integer >= 0) go together")
        }
        return RoomPosition(epoch: epoch, offset: value)
    }

    /// The admission of an upgrade request, or nil to refuse it (another path, or any check failed).
    func admit(_ head: HTTPRequestHead, logger: Logger) async -> Admission? {
        do {
            let request = Request(head: try HTTPRequest(head, secure: false, splitCookie: false), body: .init(buffer: ByteBuffer()))
            guard let segment = Self.roomSegment(ofPath: request.uri.path) else { return nil }
            return try await admit(request, segment: segment)
        } catch {
            logger.debug("realtime upgrade refused", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
