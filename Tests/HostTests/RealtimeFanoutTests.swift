import Engine
import Foundation
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import NIOCore
import NIOEmbedded
import NIOWebSocket
@testable import Rooms
import Testing
@testable import Host

@Suite("Realtime fan-out")
struct RealtimeFanoutTests {
    /// Frames built once for the wire decode as the same text with NIO's own decoder, at each
    /// length-encoding edge (7-bit, 16-bit, 64-bit lengths).
    @Test(arguments: [0, 1, 125, 126, 65_535, 65_536, 70_000])
    func wireFramesDecodeAsTextFrames(length: Int) throws {
        let payload = [UInt8](repeating: UInt8(ascii: "a"), count: length)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
        try channel.writeInbound(WireFrame.text(payload))
        try channel.writeInbound(WireFrame.text(ByteBuffer(bytes: payload)))
        for _ in 0..<2 {
            let frame = try #require(try channel.readInbound(as: WebSocketFrame.self))
            #expect(frame.fin && frame.opcode == .text && frame.maskKey == nil)
            #expect(Array(frame.data.readableBytesView) == payload)
        }
        #expect(try channel.readInbound(as: WebSocketFrame.self) == nil)
        _ = try channel.finish()
    }

    @Test func drainsAreSpacedByTheIntervalOrADrainAndItsRest() {
        var limits = RealtimeLimits()  // 25 ms interval, rest at most 50 ms
        let ms = { (n: Int64) in TimeAmount.milliseconds(n) }
        #expect(LoopGroup.spacing(after: ms(0), limits: limits) == ms(25))
        #expect(LoopGroup.spacing(after: ms(20), limits: limits) == ms(40))
        limits.coalesceInterval = .milliseconds(10)
        #expect(LoopGroup.spacing(after: ms(0), limits: limits) == ms(10))
        #expect(LoopGroup.spacing(after: ms(5), limits: limits) == ms(10))
        #expect(LoopGroup.spacing(after: ms(20), limits: limits) == ms(40))
        #expect(LoopGroup.spacing(after: ms(50), limits: limits) == ms(100))
        // Past the cap the rest stays 50 ms: a long drain is followed at its end plus 50 ms.
        #expect(LoopGroup.spacing(after: ms(80), limits: limits) == ms(130))
        limits.coalesceInterval = .zero
        #expect(LoopGroup.spacing(after: ms(80), limits: limits) == .zero)
    }

    @Test func backlogJoinsFramesInOrder() {
        var backlog = RoomBacklog()
        for text in ["a", "bb", "ccc"] { backlog.append(WireFrame.text(Array(text.utf8)), droppable: true) }
        #expect(backlog.joined(1..<2) == WireFrame.text(Array("bb".utf8)))
        var expected = WireFrame.text(Array("a".utf8))
        expected.writeImmutableBuffer(WireFrame.text(Array("bb".utf8)))
        expected.writeImmutableBuffer(WireFrame.text(Array("ccc".utf8)))
        #expect(backlog.joined(0..<3) == expected)
    }

    /// Events published faster than the coalescing interval reach every member in order, each
    /// as its own frame, but in one write per interval: a burst of 200 takes at most a few.
    @Test func aBurstGoesOutInOneBatchPerInterval() async throws {
        var limits = RealtimeLimits()
        limits.coalesceInterval = .milliseconds(500)
        let interval = limits.coalesceInterval
        let rt = try await RealtimeHost(limits: limits)
        try await rt.live { client in
            let a = Inbox(), b = Inbox()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for inbox in [a, b] {
                    group.addTask {
                        try await client.session("/v1/rooms/r1/ws", inbox: inbox) { _ in
                            try await inbox.wait("the burst") { $0.all("gift").count == 200 }
                        }
                    }
                }
                try await a.wait("both joined") { _ in !a.all("hello").isEmpty && !b.all("hello").isEmpty }
                try await Task.sleep(for: .milliseconds(600))
                let before = try await batches(rt)
                let clock = ContinuousClock()
                let began = clock.now
                for n in 1...200 {
                    rt.realtime.bus.publish(room: "r1", event: try RoomEvent(.gift, payload: ["n": n]))
                }
                let publishing = clock.now - began
                try await group.waitForAll()
                // The first event goes out at once, the rest together after one interval: a
                // third batch only if the burst straddles a drain, and one more for each
                // interval the machine, stalled, took to publish it (the suite shares its
                // cores). Without coalescing it would be a batch an event.
                let intervals = Int((publishing / interval).rounded(.up))
                let allowed = (2 + max(1, intervals)) * rt.realtime.hub.loopGroups().count
                #expect(try await batches(rt) - before <= allowed, "the burst took \(publishing) to publish")
            }
            for inbox in [a, b] {
                let offsets = inbox.all("gift").compactMap(\.offset)
                #expect(offsets.count == 200 && offsets == offsets.sorted() && Set(offsets).count == 200)
            }
        }
    }

    private func batches(_ rt: RealtimeHost) async throws -> Int {
        var total = 0
        for group in rt.realtime.hub.loopGroups() {
            total += try await group.eventLoop.submit { group.batches }.get()
        }
        return total
    }
}
