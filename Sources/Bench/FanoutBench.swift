import ArgumentParser
import Engine
import Rooms
import Synchronization

/// Fan-out through the engine's room bus alone (no sockets): one room with N subscribers,
/// M published events; reports deliveries per second. The WebSocket load run against nginx +
/// nchan is not part of this harness yet.
struct FanoutBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fanout", abstract: "Room bus deliveries per second.")

    @Option(help: "Subscribers in the room.") var subscribers = 10_000
    @Option(help: "Events published.") var events = 1_000
    @Option(help: "Measurements (the best is reported).") var rounds = 3

    /// Counts deliveries the way a fan-out subscriber would hand them off: one atomic add.
    final class Counting: RoomSubscriber {
        let count = Atomic<Int>(0)
        func receive(_ frame: RoomFrame) { count.add(frame.bytes.count > 0 ? 1 : 0, ordering: .relaxed) }
    }

    func run() async throws {
        var best = Double.infinity
        for _ in 0..<rounds {
            let bus = RoomBus()
            let sinks = (0..<subscribers).map { _ in Counting() }
            for sink in sinks { _ = bus.subscribe(room: "bench", subscriber: sink) { _ in () } }
            let event = try RoomEvent(.danmaku, payload: ["text": "benchmark danmaku", "user_id": "viewer-1"])
            best = min(best, seconds {
                for _ in 0..<events { bus.publish(room: "bench", event: event) }
            })
            precondition(sinks.allSatisfy { $0.count.load(ordering: .relaxed) == events })
        }
        let deliveries = Double(subscribers * events)
        print("| subscribers | events | deliveries/s | publishes/s |")
        print("|---:|---:|---:|---:|")
        print("| \(subscribers) | \(events) | \(grouped(deliveries / best)) | \(grouped(Double(events) / best)) |")
    }
}
