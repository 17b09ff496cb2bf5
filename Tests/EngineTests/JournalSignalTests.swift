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

    @Test func waitingTimesOutWithoutAPoke() async {
        let signal = JournalSignal()
        #expect(await signal.wait(after: signal.generation, timeout: .milliseconds(20)) == false)
    }

    @Test func theStorePokesAfterEveryCommit() async throws {
        try await TemporaryDatabase.with { tmp in
            let store = try tmp.openStore()
            let seen = store.signal.generation
            try await store.write { db in _ = try Journal.append(db, type: "t", payloadJSON: "1", at: 1) }
            #expect(store.signal.generation > seen)
        }
    }
}
