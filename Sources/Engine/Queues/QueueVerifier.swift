import GRDB

/// Rebuilds every queue from its facts (`queue_facts`, in sequence order) and compares the
/// result with the live rows (`queue_members`) and each membership's lifecycle
/// (`queue_memberships`). `showrunner queues verify` prints what it returns.
public enum QueueVerifier {
    /// Every difference, one sentence each; empty when the facts and the state agree.
    public static func differences(_ db: Database) throws -> [String] {
        struct Live: Equatable { var queue: String; var membership: Int64; var seq: Int64; var at: Int64 }
        struct Ended { var action: String; var at: Int64 }
        var live: [String: Live] = [:]
        var lastOf: [Int64: (action: String, at: Int64)] = [:]
        var out: [String] = []
        func key(_ room: String, _ user: String) -> String { room + "\u{1}" + user }
        func name(_ k: String) -> String { k.replacingOccurrences(of: "\u{1}", with: "/") }
        for row in try Row.fetchAll(db, sql: "SELECT seq, room_id, user_id, action, at, membership FROM queue_facts ORDER BY seq") {
            let (seq, room, user, action, at, membership): (Int64, String, String, String, Int64, Int64) = (row[0], row[1], row[2], row[3], row[4], row[5])
            let k = key(room, user)
            lastOf[membership] = (action, at)
            switch action {
            case "enter_waiting", "enter_game":
                let queue = action == "enter_waiting" ? "waiting" : "game"
                if let already = live[k] { out.append("fact \(seq): \(name(k)) enters \(queue) while in \(already.queue)") }
                live[k] = Live(queue: queue, membership: membership, seq: seq, at: at)
            default:
                let queue = action == "leave_waiting" ? "waiting" : "game"
                guard let was = live[k], was.queue == queue else {
                    out.append("fact \(seq): \(name(k)) leaves \(queue) without being in it")
                    continue
                }
                live[k] = nil
            }
        }
        var rows: [String: Live] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT room_id, user_id, queue, membership, seq, joined_at FROM queue_members") {
            rows[key(row[0], row[1])] = Live(queue: row[2], membership: row[3], seq: row[4], at: row[5])
        }
        for k in Set(live.keys).union(rows.keys).sorted() {
            switch (live[k], rows[k]) {
            case (let f?, nil): out.append("\(name(k)): the facts have them in \(f.queue) (fact \(f.seq)); the state has them nowhere")
            case (nil, let r?): out.append("\(name(k)): the state has them in \(r.queue); the facts have them nowhere")
            case (let f?, let r?) where f != r:
                out.append("\(name(k)): the facts say \(f.queue) since fact \(f.seq) at \(f.at); the state says \(r.queue) since \(r.seq) at \(r.at)")
            default: break
            }
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, room_id, user_id, state, ended_at FROM queue_memberships ORDER BY id") {
            let (id, room, user, state, endedAt): (Int64, String, String, String, Int64?) = (row[0], row[1], row[2], row[3], row[4])
            guard let last = lastOf[id] else {
                out.append("membership \(id) (\(room)/\(user)): no fact")
                continue
            }
            let expected: Set<String> = switch last.action {
            case "enter_waiting": ["waiting"]
            case "enter_game": ["playing"]
            default: ["left", "removed", "played"]
            }
            if !expected.contains(state) {
                out.append("membership \(id) (\(room)/\(user)): state \(state) after its last fact \(last.action)")
            } else if last.action.hasPrefix("leave"), endedAt != last.at {
                out.append("membership \(id) (\(room)/\(user)): ended at \(endedAt.map(String.init) ?? "never"), its last fact at \(last.at)")
            }
        }
        return out
    }
}
