import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import Host

/// `LoopMailbox`: work posted from any thread runs on its loop, each job once, in the order
/// each poster posted it, including jobs posted while the mail is being run.
@Suite struct LoopMailboxTests {
    /// What ran, by list, and how many jobs ran off the loop.
    final class Ran: Sendable {
        let lists = Mutex<[Int: [Int]]>([:])
        let offLoop = Atomic(0)
        func add(_ list: Int, _ i: Int) { lists.withLock { $0[list, default: []].append(i) } }
        var count: Int { lists.withLock { $0.values.reduce(0) { $0 + $1.count } } }
    }

    @Test("jobs from four threads each run once, on the loop, in each poster's order; a job may post more")
    func ordered() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let mailbox = LoopMailbox(eventLoop: loop)
        let ran = Ran()
        let posters = 4, perPoster = 5_000
        await withTaskGroup(of: Void.self) { tasks in
            for poster in 0..<posters {
                tasks.addTask {
                    for i in 0..<perPoster {
                        mailbox.post {
                            if !loop.inEventLoop { ran.offLoop.add(1, ordering: .relaxed) }
                            ran.add(poster, i)
                            // Every hundredth job posts a follow-up, which runs after it.
                            if i % 100 == 0 {
                                mailbox.post { ran.add(posters + poster, i) }
                            }
                        }
                    }
                }
            }
        }
        let total = posters * perPoster + posters * (perPoster / 100)
        let deadline = Date().addingTimeInterval(30)
        while ran.count < total, Date() < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        let result = ran.lists.withLock { $0 }
        for poster in 0..<posters {
            #expect(result[poster] == Array(0..<perPoster), "poster \(poster)'s jobs ran once each, in order")
            #expect(result[posters + poster] == Array(stride(from: 0, to: perPoster, by: 100)))
        }
        #expect(ran.offLoop.load(ordering: .relaxed) == 0, "every job ran on the loop")
        try await group.shutdownGracefully()
    }
}
