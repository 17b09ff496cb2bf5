@testable import Books
import EngineTesting
import Testing
@testable import Engine

@Suite struct JournalSignalTests {
    @Test func aPokeWakesAWaiter() async {
        let signal = JournalSignal()
        let seen = signal.generation
        async let woken = signal.wait(after: seen, timeout: .seconds(30))
        try? await Task.sleep(for: .milliseconds(20))
        signal.poke()
        #expect(await woken)
        #expect(signal.generation == seen + 1)
    }

    @Test func aPokeBeforeWaitingIsNotLost() async {
        let signal = JournalSignal()
        let seen = signal.generation
        signal.poke()
        #expect(await signal.wait(after: seen, timeout: .seconds(30)))
    }

    @Test("a wait after a poke it has not seen answers at once, even in a cancelled task")
    func aWaitAlreadyPokedAnswersAtOnce() async {
        let signal = JournalSignal()
        let seen = signal.generation
        signal.poke()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await signal.wait(after: seen, timeout: .seconds(30))
        }
        #expect(await task.value)
    }

    @Test func waitingTimesOutWithoutAPoke() async {
        let signal = JournalSignal()
        #expect(await signal.wait(after: signal.generation, timeout: .milliseconds(20)) == false)
    }

    @Test("the store pokes after a commit that appended to the journal, and only then")
    func theStorePokesAfterCommitsThatAppend() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let seen = store.signal.generation
            try await store.write { db in _ = try Journal.append(db, type: "t", payloadJSON: "1", at: 1) }
            let afterAppend = store.signal.generation
            #expect(afterAppend > seen)
            try await store.write { db in try db.execute(sql: "CREATE TABLE other (i INTEGER)") }
            try await store.write { db in try db.execute(sql: "INSERT INTO other VALUES (1)") }
            #expect(store.signal.generation == afterAppend)
            // An append rolled back with its operation does not count.
            await #expect(throws: (any Error).self) {
                try await store.write { db in
                    _ = try Journal.append(db, type: "t", payloadJSON: "2", at: 1)
                    throw CancellationError()
                }
            }
            #expect(store.signal.generation == afterAppend)
            try await store.write { db in _ = try Journal.append(db, type: "t", payloadJSON: "3", at: 1) }
            #expect(store.signal.generation > afterAppend)
        }
    }
}
