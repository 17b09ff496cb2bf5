import Engine
import HummingbirdWebSocket
import Logging
import NIOCore

/// Runs one WebSocket connection: join (hello, resume), `enter`, then the read loop until the
/// client leaves or breaks the rules; leaving always unregisters.
struct RealtimeSession: Sendable {
    let hub: RealtimeHub
    let danmaku: DanmakuService
    let privileges: any EntryPrivilegeProvider
    /// Where `enter` facts are journaled for activity and task handlers.
    let store: Store
    let clock: any WallClock

    struct EnterFact: Encodable {
        let user_id: String
        let room_id: String
    }

    /// Journals `enter` for a signed-in viewer, at most once per viewer, room and minute (a
    /// reconnect loop does not flood the journal). Best effort: a failed write loses one fact
    /// for scripts, never the connection.
    static func journalEnter(store: Store, user: String, room: String, at now: Int64) async throws {
        try await store.write { db in
            _ = try Journal.append(
                db, type: "enter", payload: EnterFact(user_id: user, room_id: room),
                idempotencyKey: "enter:\(user):\(room):\(now / 60_000)", at: now)
        }
    }

    func run(
        connection: RealtimeConnection, cursor: RoomPosition?,
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger
    ) async throws {
        try await connection.channel.pipeline.addHandler(WritabilityHandler(connection: connection), position: .first)
        hub.join(connection, from: cursor)
        defer { hub.leave(connection) }
        if let principal = connection.principal {
            let shown = await privileges.privileges(userID: principal.userID, room: connection.room)
            if let event = try? RoomEvent(.enter, payload: EnterEvent(userID: principal.userID, privileges: shown)) {
                hub.bus.publish(room: connection.room, event: event)
            }
            do {
                try await Self.journalEnter(store: store, user: principal.userID, room: connection.room, at: clock.nowMillis())
            } catch {
                logger.warning("enter not journaled", metadata: ["error": "\(error)"])
            }
        }
        var violations = 0
        var iterator = inbound.makeAsyncIterator()
        while let message = try await nextMessage(&iterator, connection: connection) {
            let refusal: ClientFrame.Refusal?
            switch message {
            case .failure(let error): refusal = error
            case .success(let bytes): refusal = await handle(bytes, connection: connection)
            }
            guard let refusal else { continue }
            connection.send([ServerFrame.error(refusal.code, refusal.message)])
            violations += 1
            if violations >= hub.limits.invalidFramesMax {
                try await outbound.close(.policyViolation, reason: "too many invalid frames")
                return
            }
        }
    }

    /// The next whole message, assembled from fragments, or a refusal for one that is too large
    /// or binary. `nil` when the client has gone.
    private func nextMessage(
        _ iterator: inout WebSocketInboundStream.AsyncIterator, connection: RealtimeConnection
    ) async throws -> Result<[UInt8], ClientFrame.Refusal>? {
        var bytes: [UInt8] = []
        var refusal: ClientFrame.Refusal?
        while let frame = try await iterator.next() {
            connection.lastSeen.store(RealtimeConnection.monotonicMillis(), ordering: .relaxed)
            if frame.opcode == .binary {
                refusal = ClientFrame.Refusal(code: "invalid_frame", message: "binary frames are not accepted")
            }
            if refusal == nil {
                bytes += frame.data.readableBytesView
                if bytes.count > hub.limits.frameBytesMax {
                    refusal = ClientFrame.Refusal(code: "frame_too_large", message: "frames are limited to \(hub.limits.frameBytesMax) bytes")
                    bytes = []
                }
            }
            if frame.fin { return refusal.map { .failure($0) } ?? .success(bytes) }
        }
        return nil
    }

    /// Handles one parsed message; returns a refusal for a bad frame (a rejected danmaku is
    /// answered here and is not a violation).
    private func handle(_ bytes: [UInt8], connection: RealtimeConnection) async -> ClientFrame.Refusal? {
        let frame: ClientFrame
        do {
            frame = try ClientFrame.parse(bytes)
        } catch {
            return error
        }
        switch frame {
        case .ping:
            let position = hub.bus.position(room: connection.room)
            connection.send([ServerFrame.pong(online: hub.online(room: connection.room), position: position)])
        case .since(let cursor):
            connection.send(ServerFrame.resume(hub.bus.since(room: connection.room, cursor: cursor)))
        case .danmaku(let draft):
            do {
                _ = try await danmaku.send(draft, room: connection.room, userID: connection.principal?.userID)
            } catch {
                connection.send([ServerFrame.error(error.rawValue, "danmaku refused: \(error.rawValue)")])
            }
        }
        return nil
    }
}
