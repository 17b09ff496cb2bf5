import Engine
import EngineTesting
import Foundation
@testable import Rooms
import Synchronization
import Testing

/// Collects frames a bus delivers.
final class FrameSink: RoomSubscriber {
    let frames = Mutex<[RoomFrame]>([])
    func receive(_ frame: RoomFrame) { frames.withLock { $0.append(frame) } }
}

struct Note: Codable { let n: Int }

@Suite("RoomBus")
struct RoomBusTests {
    func event(_ n: Int) throws -> RoomEvent { try RoomEvent(.gift, payload: Note(n: n)) }

    @Test func publishesInOrderWithOffsetsAndEncodesOnce() throws {
        let bus = RoomBus(clock: ManualClock())
        let sink = FrameSink()
        let (subscription, _) = bus.subscribe(room: "r1", subscriber: sink) { $0 }
        for n in 1...3 { bus.publish(room: "r1", event: try event(n)) }
        let frames = sink.frames.withLock { $0 }
        #expect(frames.map(\.offset) == [1, 2, 3])
        let json = try JSONSerialization.jsonObject(with: Data(frames[2].bytes)) as? [String: Any]
        #expect(json?["type"] as? String == "gift")
        #expect(json?["offset"] as? Int == 3)
        #expect((json?["data"] as? [String: Any])?["n"] as? Int == 3)
        subscription.cancel()
        bus.publish(room: "r1", event: try event(4))
        #expect(sink.frames.withLock { $0.count } == 3)
        #expect(bus.position(room: "r1").offset == 4)
    }

    @Test func resumeReturnsExactlyTheMissedEvents() throws {
        let bus = RoomBus(clock: ManualClock())
        for n in 1...5 { bus.publish(room: "r1", event: try event(n)) }
        let epoch = bus.position(room: "r1").epoch
        guard case .events(let missed) = bus.since(room: "r1", cursor: RoomPosition(epoch: epoch, offset: 2)) else {
            Issue.record("expected events"); return
        }
        #expect(missed.map(\.offset) == [3, 4, 5])
        #expect(bus.since(room: "r1", cursor: RoomPosition(epoch: epoch, offset: 5)) == .events([]))
    }

    @Test func resumeFailsBeyondCountAgeEpochOrFuture() throws {
        let clock = ManualClock()
        let bus = RoomBus(configuration: .init(historyCountMax: 3, historyAgeMillisMax: 10_000), clock: clock)
        for n in 1...5 { bus.publish(room: "r1", event: try event(n)) }
        let epoch = bus.position(room: "r1").epoch
        let current = RoomPosition(epoch: epoch, offset: 5)
        #expect(bus.since(room: "r1", cursor: .init(epoch: epoch, offset: 1)) == .failed(current: current, reason: .historyExpired))
        guard case .events(let kept) = bus.since(room: "r1", cursor: .init(epoch: epoch, offset: 2)) else {
            Issue.record("expected the 3 kept events"); return
        }
        #expect(kept.map(\.offset) == [3, 4, 5])
        #expect(bus.since(room: "r1", cursor: .init(epoch: "other", offset: 5)) == .failed(current: current, reason: .epochChanged))
        #expect(bus.since(room: "r1", cursor: .init(epoch: epoch, offset: 9)) == .failed(current: current, reason: .offsetAhead))
        clock.advance(byMillis: 10_001)
        #expect(bus.since(room: "r1", cursor: .init(epoch: epoch, offset: 4)) == .failed(current: current, reason: .historyExpired))
        #expect(bus.since(room: "r1", cursor: current) == .events([]))
    }

    @Test func subscribeReplaysAtomicallyAndBroadcastReachesEveryRoom() throws {
        let bus = RoomBus(clock: ManualClock())
        bus.publish(room: "a", event: try event(1))
        let epoch = bus.position(room: "a").epoch
        let sink = FrameSink()
        let (_, join) = bus.subscribe(room: "a", subscriber: sink, from: RoomPosition(epoch: epoch, offset: 0)) { $0 }
        guard case .events(let replay) = join.resume else { Issue.record("expected a replay"); return }
        #expect(replay.map(\.offset) == [1] && join.position.offset == 1)
        bus.publish(room: "b", event: try event(2))
        let frames = bus.publishToAll(event: try RoomEvent(.broadcast, payload: Note(n: 9)))
        #expect(frames.map(\.room) == ["a", "b"])
        #expect(sink.frames.withLock { $0.map(\.type) } == [.broadcast])
    }

    @Test func rejectsNonObjectOrOversizeData() {
        #expect(throws: RoomBusError.self) { try RoomEvent(.notice, json: Array("[1]".utf8)) }
        #expect(throws: RoomBusError.self) {
            try RoomEvent(.notice, json: Array(("{\"a\":\"" + String(repeating: "x", count: RoomEvent.dataBytesMax) + "\"}").utf8))
        }
    }
}
