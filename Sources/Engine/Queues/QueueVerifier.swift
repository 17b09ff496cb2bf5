/// Rebuilds every queue from its facts (`queue_facts`, in sequence order) and compares the
/// result with the live rows (`queue_members`) and each membership's lifecycle
/// (`queue_memberships`). `showrunner queues verify` prints what it returns.
public enum QueueVerifier {
    /// What the verifier compares: the facts in sequence order, the live list rows, and the
    /// memberships in id order (`QueueStore.verificationRecords`).
    public struct Records: Sendable {
        public struct Fact: Sendable {
            public let seq: Int64, roomID: String, userID: String, action: String, at: Int64, membership: Int64
            public init(seq: Int64, roomID: String, userID: String, action: String, at: Int64, membership: Int64) {
                (self.seq, self.roomID, self.userID, self.action, self.at, self.membership) = (seq, roomID, userID, action, at, membership)
            }
        }
        public struct Member: Sendable {
            public let roomID: String, userID: String, queue: String, membership: Int64, seq: Int64, joinedAt: Int64
            public init(roomID: String, userID: String, queue: String, membership: Int64, seq: Int64, joinedAt: Int64) {
                (self.roomID, self.userID, self.queue, self.membership, self.seq, self.joinedAt) = (roomID, userID, queue, membership, seq, joinedAt)
            }
        }
        public struct Membership: Sendable {
            public let id: Int64, roomID: String, userID: String, state: String, endedAt: Int64?
            public init(id: Int64, roomID: String, userID: String, state: String, endedAt: Int64?) {
                (self.id, self.roomID, self.userID, self.state, self.endedAt) = (id, roomID, userID, state, endedAt)
            }
        }
        public let facts: [Fact]
        public let members: [Member]
        public let memberships: [Membership]
        public init(facts: [Fact], members: [Member], memberships: [Membership]) {
            (self.facts, self.members, self.memberships) = (facts, members, memberships)
        }
    }

    /// Every difference in `store`, one sentence each; empty when the facts and the state agree.
    public static func differences(in store: any QueueStore) async throws -> [String] {
        differences(try await store.verificationRecords())
    }

    /// Every difference between the records' facts and state, one sentence each; empty when
    /// they agree.
    public static func differences(_ records: Records) -> [String] {
        struct Live: Equatable { var queue: String; var membership: Int64; var seq: Int64; var at: Int64 }
        var live: [String: Live] = [:]
        var lastOf: [Int64: (action: String, at: Int64)] = [:]
        var out: [String] = []
        func key(_ room: String, _ user: String) -> String { room + "\u{1}" + user }
        func name(_ k: String) -> String { k.replacingOccurrences(of: "\u{1}", with: "/") }
        for fact in records.facts {
            let (seq, room, user, action, at, membership) = (fact.seq, fact.roomID, fact.userID, fact.action, fact.at, fact.membership)
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
        for m in records.members {
            rows[key(m.roomID, m.userID)] = Live(queue: m.queue, membership: m.membership, seq: m.seq, at: m.joinedAt)
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
        for m in records.memberships {
            let (id, room, user, state, endedAt) = (m.id, m.roomID, m.userID, m.state, m.endedAt)
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
