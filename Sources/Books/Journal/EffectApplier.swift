import EngineCore
import Foundation
import Scripting

/// Applies the effects a script asked for, inside the caller's transaction: grants through the
/// ledger from the promotions account (idempotent by `origin`), notices, room broadcasts and
/// custom facts as journal entries (the outbox that the room bus and others read).
public struct EffectApplier: Sendable {
    /// Journal types of the facts effects become.
    public static let noticeType = "notice"
    public static let roomEventType = "room_event"
    /// Prefix of script-emitted fact types, so a script cannot forge a `gift` or `topup`.
    public static let customTypePrefix = "script."

    package let ledger: Ledger
    /// Where a day starts (fan medals' daily cap).
    package let calendar: OperationsCalendar

    /// - Parameters: ledger: where grants go; calendar: the operations day.
    public init(ledger: Ledger, calendar: OperationsCalendar = OperationsCalendar()) {
        self.ledger = ledger
        self.calendar = calendar
    }

    /// Applies every effect of `ctx`; `origin` makes the transfer ids unique and repeatable (it
    /// is built only when an effect needs it: a handler that only advances progress never does).
    /// - Throws: `LedgerError` (unknown asset, overflow), `ScriptFailure` for an effect this
    ///   context cannot apply; the caller's transaction then rolls back whole.
    /// `progress` receives `ctx.progress` requests (tasks) and `orderFrame` `ctx.show_order`
    /// requests (order machines); without them they are an error.
    public func apply(
        _ ctx: CallContext, origin makeOrigin: @autoclosure () -> String, in tx: any StoreTransaction, at now: Int64,
        progress: ((String, Int64) throws -> Void)? = nil, orderFrame: ((String?) throws -> Void)? = nil
    ) throws {
        guard !ctx.effects.isEmpty else { return }
        var built: String?
        func origin() -> String {
            if let built { return built }
            let o = makeOrigin()
            built = o
            return o
        }
        for (i, effect) in ctx.effects.enumerated() {
            switch effect {
            case .grant(let user, let asset, let amount, let memo):
                _ = try tx.ledger.apply([TransferRequest(
                    id: "\(origin()):\(i)", debit: .system(.promotions, asset), credit: .user(user, asset),
                    asset: asset, amount: amount, code: "grant", memo: String(memo.utf8.prefix(TransferRequest.memoBytesMax)) ?? "")], now: now)
            case .notify(let user, let text):
                try tx.journal.appendHostJSON(type: Self.noticeType, json: Self.noticeJSON(user: user, text: text, origin: origin()), at: now)
            case .broadcast(let room, let event):
                // Keys sorted, so the same effect journals the same bytes on every run.
                if let json = Self.roomEventJSON(room: room, event: event) {
                    try tx.journal.appendHostJSON(type: Self.roomEventType, json: json, at: now)
                } else {
                    try tx.journal.append(type: Self.roomEventType, payload: EffectPayload(room: room, event: event), at: now)
                }
            case .emit(let type, let payload):
                try tx.journal.append(type: Self.customTypePrefix + type, payload: payload, at: now)
            case .fanPoints(let viewer, let streamer, let points, let rule):
                try tx.fanMedals.add(viewer: viewer, streamer: streamer, points: points, rule: rule, day: calendar.key(.daily, at: now), now: now)
            case .progress(let user, let amount):
                if let progress {
                    try progress(user, amount)
                    continue
                }
                throw ScriptFailure(.badResult, path: "Scripts", detail: "ctx.progress is only for tasks (\(ctx.script))")
            case .orderFrame(let text):
                guard let orderFrame else {
                    throw ScriptFailure(.badResult, path: "Scripts", detail: "ctx.show_order is only for order machines (\(ctx.script))")
                }
                try orderFrame(text)
            }
        }
    }
}

extension EffectApplier {
    /// A `notice` fact's payload, as `JSONEncoder` with sorted keys writes it.
    static func noticeJSON(user: String, text: String, origin: String) -> String {
        "{\"origin\":\(JSONText.quoted(origin)),\"text\":\(JSONText.quoted(text)),\"user_id\":\(JSONText.quoted(user))}"
    }

    /// A `room_event` fact's payload, as `JSONEncoder` with sorted keys writes `EffectPayload`,
    /// when the event is one `JSONText.json` writes by hand.
    static func roomEventJSON(room: String, event: LuaValue) -> String? {
        JSONText.json(event).map { "{\"event\":\($0),\"room\":\(JSONText.quoted(room))}" }
    }
}

struct EffectPayload: Encodable {
    let room: String
    let event: LuaValue
}
