import Books
import Engine
import EngineCore
import Foundation
import NIOCore
import Rooms

/// What one realtime connection does, apart from moving bytes (`RealtimeHandler`): join
/// (hello, resume) and `enter`, then each client message; leaving is `RealtimeHub.leave`.
struct RealtimeSession: Sendable {
    let hub: RealtimeHub
    let danmaku: DanmakuService
    let privileges: any EntryPrivilegeProvider
    /// Where `enter` facts are journaled for activity and task handlers.
    let journal: any JournalStore
    let clock: any WallClock
    /// Sends `gift` frames (nil: refused as `unavailable`).
    var gifts: GiftSender? = nil
    /// Creates a gift sender's profile on first use, as the HTTP routes do (nil: not here).
    var profiles: ProfileRegistrar? = nil
    /// The token clock: a gift needs the connection's token still valid.
    var now: @Sendable () -> Date = { Date() }

    struct EnterFact: Encodable, Sendable {
        let user_id: String
        let room_id: String
    }

    /// What a message asks of the connection.
    enum Outcome {
        /// Answered (or nothing to answer).
        case handled
        /// A bad frame: answered with `error`, counts as a violation.
        case refused(ClientFrame.Refusal)
        /// A danmaku to send (`send(_:connection:)`, which waits for the journal).
        case danmaku(DanmakuDraft)
        /// A gift to send (`gift(_:connection:done:)`, answered after the commit).
        case gift(ClientFrame.GiftFrame)
    }

    /// Journals `enter` for a signed-in viewer, at most once per viewer, room and minute (a
    /// reconnect loop does not flood the journal). Best effort: a failed write loses one fact
    /// for scripts, never the connection.
    static func journalEnter(journal: any JournalStore, user: String, room: String, at now: Int64) async throws {
        try await journal.record(
            [NewFact(type: "enter", payload: EnterFact(user_id: user, room_id: room), idempotencyKey: "enter:\(user):\(room):\(now / 60_000)")],
            at: now)
    }

    /// Runs an upgraded channel (on its loop): a connection object and its two handlers.
    /// - Throws: pipeline errors (the channel is closing).
    func start(channel: any Channel, admission: RealtimeUpgrade.Admission) throws {
        let connection = hub.makeConnection(room: admission.room.id, principal: admission.principal, channel: channel)
        try channel.pipeline.syncOperations.addHandler(WritabilityHandler(connection: connection), position: .first)
        try channel.pipeline.syncOperations.addHandler(
            RealtimeHandler(connection: connection, session: self, cursor: admission.cursor))
    }

    /// Joins the room (hello, resume), then announces a signed-in viewer: `enter` to the room,
    /// and to the journal.
    func open(_ connection: RealtimeConnection, from cursor: RoomPosition?) {
        hub.join(connection, from: cursor)
        guard let principal = connection.principal else { return }
        Task { [self] in
            let shown = await privileges.privileges(userID: principal.userID, room: connection.room)
            if let event = try? RoomEvent(.enter, payload: EnterEvent(userID: principal.userID, privileges: shown)) {
                hub.bus.publish(room: connection.room, event: event)
            }
            // A guard's arrival is announced to the room as well.
            if let tier = shown.guardTier,
                let notice = try? RoomEvent(.notice, payload: GuardArrival(userID: principal.userID, guardTier: tier))
            {
                hub.bus.publish(room: connection.room, event: notice)
            }
            do {
                try await Self.journalEnter(journal: journal, user: principal.userID, room: connection.room, at: clock.nowMillis())
            } catch {
                hub.logger.warning("enter not journaled", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Handles one whole client message (on the loop).
    func handle(_ bytes: [UInt8], connection: RealtimeConnection) -> Outcome {
        let frame: ClientFrame
        do {
            frame = try ClientFrame.parse(bytes)
        } catch {
            return .refused(error)
        }
        switch frame {
        case .ping:
            let position = hub.bus.position(room: connection.room)
            connection.send([ServerFrame.pong(online: hub.online(room: connection.room), position: position)])
        case .since(let cursor):
            connection.send(ServerFrame.resume(hub.bus.since(room: connection.room, cursor: cursor)))
        case .danmaku(let draft):
            return .danmaku(draft)
        case .gift(let gift):
            return .gift(gift)
        }
        return .handled
    }

    /// Sends a gift to the connection's room and answers the sender alone: `gift_receipt` after
    /// the commit is durable, or `gift_error` with what the HTTP route would have answered (a
    /// refusal is not a violation). The same key answers the same receipt on either carrier.
    ///
    /// Called on the connection's loop; it does not wait. The send joins the store's group
    /// commit from here, and the answer comes back through the loop's mailbox (one wake-up of
    /// the loop for all its connections' receipts of one commit), where it is queued and
    /// flushed, and then `done` runs. A sender seen for the first time, or a room not read
    /// since start, takes a task to create the profile or read the room first.
    func gift(_ frame: ClientFrame.GiftFrame, connection: RealtimeConnection, done: @escaping @Sendable () -> Void) {
        let key = frame.idempotencyKey
        let answer: @Sendable (Result<SentGift, any Error>) -> Void = { outcome in
            connection.mailbox.post {
                switch outcome {
                case .success(let sent): connection.push(ServerFrame.giftReceipt(key: key, receiptJSON: sent.jsonText), droppable: false)
                case .failure(let error): connection.push(ServerFrame.giftError(key: key, ErrorResponse(error)), droppable: false)
                }
                connection.flush()
                done()
            }
        }
        do {
            guard let principal = connection.principal else { throw AuthError.missingToken }
            // The token was checked at the upgrade; money moves only while it is still valid.
            guard Int64(now().timeIntervalSince1970.rounded(.down)) < principal.expiresAtSeconds else {
                throw AuthError.tokenExpired
            }
            guard let gifts else {
                throw RequestError("unavailable", .unavailable, "gifts cannot be sent on this connection")
            }
            let request = GiftSendRequest(
                roomID: connection.room, senderID: principal.userID, giftID: frame.giftID, count: frame.count,
                idempotencyKey: key)
            if let profiles, !profiles.isKnown(userID: principal.userID) {
                Task {
                    do {
                        try await profiles.ensure(userID: principal.userID)
                        gifts.submit(request, completion: answer)
                    } catch {
                        answer(.failure(error))
                    }
                }
                return
            }
            gifts.submit(request, completion: answer)
        } catch {
            answer(.failure(error))
        }
    }

    /// Sends a danmaku; a refusal is answered to the sender alone (not a violation).
    func send(_ draft: DanmakuDraft, connection: RealtimeConnection) async {
        do {
            _ = try await danmaku.send(draft, room: connection.room, userID: connection.principal?.userID)
        } catch {
            connection.send([ServerFrame.error(error.rawValue, "danmaku refused: \(error.rawValue)")])
        }
    }
}

/// The `notice` published when a guard enters their streamer's room.
struct GuardArrival: Encodable {
    let userID: String
    let guardTier: String
    var text: String { "\(guardTier) \(userID) has arrived" }

    enum CodingKeys: String, CodingKey {
        case text, kind
        case userID = "user_id"
        case guardTier = "guard"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(text, forKey: .text)
        try c.encode("guard_arrival", forKey: .kind)
        try c.encode(userID, forKey: .userID)
        try c.encode(guardTier, forKey: .guardTier)
    }
}
