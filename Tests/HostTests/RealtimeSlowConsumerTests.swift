import Engine
import Foundation
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import NIOCore
import NIOWebSocket
@testable import Rooms
import Synchronization
import Testing
@testable import Host

@Suite("Realtime slow consumers")
struct RealtimeSlowConsumerTests {
    @Test func outboxDropsOldestDanmakuButOverflowsOnUndroppable() {
        var outbox = Outbox(countMax: 3, bytesMax: 1_000)
        let small = ByteBuffer(string: "x")
        #expect(outbox.push(small, droppable: true) == .queued(dropped: 0))
        #expect(outbox.push(ByteBuffer(string: "gift"), droppable: false) == .queued(dropped: 0))
        #expect(outbox.push(small, droppable: true) == .queued(dropped: 0))
        #expect(outbox.push(small, droppable: true) == .queued(dropped: 1))
        #expect(outbox.count == 3)
        #expect(outbox.pop() == ByteBuffer(string: "gift"))
        #expect(outbox.push(ByteBuffer(repeating: 0, count: 999), droppable: false) == .queued(dropped: 1))
        #expect(outbox.push(ByteBuffer(string: "more"), droppable: false) == .overflow)
    }

    /// The sweep judges a client slow when it is past the backlog bound and wrote nothing since
    /// the previous sweep. Sweeping every 100 ms (as this test once did) also closed the
    /// *reading* client whenever the test process was starved of CPU for 100 ms on a loaded
    /// 2-core machine; production sweeps every few seconds, so this test sweeps once a second.
    @Test
    func aClientThatStopsReadingIsClosedAndDoesNotSlowOthers() async throws {
        var limits = RealtimeLimits()
        limits.outboxCountMax = 64
        limits.outboxBytesMax = 128 * 1024
        limits.closeGrace = .seconds(30)
        limits.sweepInterval = .milliseconds(100)
        let rt = try await RealtimeHost(limits: limits)
        let gifts = 2_000
        let padding = String(repeating: "p", count: 8_000)
        try await rt.live { client in
            let fast = Inbox(), slow = Inbox()
            let release = Flag()
            try await withThrowingTaskGroup(of: WebSocketCloseFrame?.self) { group in
                group.addTask {
                    try await client.ws("/v1/rooms/r1/ws") { inbound, _, _ in
                        var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                        if case .text(let hello) = try await messages.next() { slow.append(hello) }
                        while !release.isSet { try await Task.sleep(for: .milliseconds(20)) }
                        while let message = try await messages.next() {
                            if case .text(let text) = message { slow.append(text) }
                        }
                    }
                }
                group.addTask {
                    let close = try await client.session("/v1/rooms/r1/ws", inbox: fast) { _ in
                        try await fast.wait("every gift") { $0.all("gift").count == gifts }
                    }
                    return close
                }
                group.addTask {
                    // The one sweep (the test host runs no lifecycle services).
                    while !release.isSet {
                        RealtimeSweeper(hub: rt.realtime.hub).sweep()
                        try await Task.sleep(for: .seconds(1))
                    }
                    return nil
                }
                try await fast.wait("both joined") { _ in !fast.all("hello").isEmpty && !slow.all("hello").isEmpty }
                for n in 1...gifts {
                    rt.realtime.bus.publish(room: "r1", event: try RoomEvent(.gift, payload: ["n": "\(n)", "pad": padding]))
                }
                try await fast.wait("every gift") { $0.all("gift").count == gifts }
                try await fast.wait("the slow one closed") { _ in rt.realtime.hub.slowClosed.load(ordering: .relaxed) == 1 }
                RealtimeSweeper(hub: rt.realtime.hub).sweep()
                for loopGroup in rt.realtime.hub.loopGroups() {
                    // Memory stays bounded: once written, nothing of the burst is kept.
                    #expect(try await loopGroup.eventLoop.submit { loopGroup.backlog.count }.get() == 0)
                }
                release.set()
                var closes: [WebSocketCloseFrame?] = []
                for try await close in group { closes.append(close) }
                #expect(closes.contains { $0?.closeCode == .unknown(UInt16(RealtimeLimits.closeSlowConsumer)) })
            }
            #expect(fast.all("gift").compactMap(\.offset) == Array(1...Int64(gifts)).map { $0 + (fast.all("hello").first?.offset ?? 0) })
            #expect(slow.all("gift").count < gifts)
        }
    }
}

/// A one-way switch shared between a test and its clients.
final class Flag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
