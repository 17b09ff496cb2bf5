import EngineTesting
import GRDB
@testable import Storage
import Synchronization
import Testing
@testable import Engine

/// What every `NotificationStore` backend must do (see the protocol's doc comment). The rows are
/// written by `NotificationsConsumer`, outside the protocol: each backend seeds them its own way.
@Suite("NotificationStore conformance")
struct NotificationStoreConformanceTests {
    typealias Seed = @Sendable (_ user: String, _ text: String, _ at: Int64) async throws -> Void

    struct Backend: Sendable, CustomStringConvertible {
        let description: String
        let open: @Sendable (TemporaryDatabase) throws -> (store: any NotificationStore, seed: Seed)
    }

    static let backends: [Backend] = [
        Backend(description: "sqlite") { tmp in
            let store = try tmp.openStore(synchronous: .off)
            let offset = Counter()
            return (SQLiteNotificationStore(store), { user, text, at in
                let n = offset.next()
                try await store.write { db in
                    try db.execute(
                        sql: "INSERT INTO notifications (user_id, text, origin, journal_offset, created_at) VALUES (?, ?, 'test', ?, ?)",
                        arguments: [user, text, n, at])
                }
            })
        },
    ]

    final class Counter: Sendable {
        private let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
    }

    @Test(arguments: backends)
    func pagesNewestFirstAndMarksRead(_ backend: Backend) async throws {
        try await TemporaryDatabase.with { tmp in
            let (store, seed) = try backend.open(tmp)
            for i in 1...5 { try await seed("u1", "n\(i)", Int64(i)) }
            try await seed("u2", "other", 9)
            let first = try await store.notifications(user: "u1", olderThan: .max, limit: 3)
            #expect(first.items.map(\.text) == ["n5", "n4", "n3"] && first.unread == 5)
            #expect(first.items.allSatisfy { !$0.read })
            let rest = try await store.notifications(user: "u1", olderThan: first.items[2].id, limit: 3)
            #expect(rest.items.map(\.text) == ["n2", "n1"])
            // Up to the third: three read, two unread; again changes nothing.
            #expect(try await store.markRead(user: "u1", upTo: first.items[2].id, at: 100) == 2)
            #expect(try await store.markRead(user: "u1", upTo: first.items[2].id, at: 200) == 2)
            let after = try await store.notifications(user: "u1", olderThan: .max, limit: 10)
            #expect(after.items.map(\.read) == [false, false, true, true, true] && after.unread == 2)
            // Another user's are neither listed nor marked.
            #expect(try await store.markRead(user: "u1", upTo: .max, at: 300) == 0)
            #expect(try await store.notifications(user: "u2", olderThan: .max, limit: 10).unread == 1)
        }
    }
}
