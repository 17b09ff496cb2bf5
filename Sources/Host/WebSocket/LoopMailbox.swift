import NIOCore
import Synchronization

/// Work handed to one event loop from other threads, run there in one hop: the first `post`
/// since the loop last ran its mail wakes the loop; posts before it gets there join the same
/// run. A group commit answers its senders from the store's answering queue, one after
/// another, so the receipts of one commit for the connections of one loop cost the loop one
/// wake-up, not one each.
final class LoopMailbox: Sendable {
    let eventLoop: any EventLoop
    private let mail = Mutex(Mail())

    private struct Mail: Sendable {
        var jobs: [@Sendable () -> Void] = []
        var scheduled = false
    }

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Runs `job` on the loop, after the jobs posted before it.
    func post(_ job: @escaping @Sendable () -> Void) {
        let wake = mail.withLock { mail -> Bool in
            mail.jobs.append(job)
            guard !mail.scheduled else { return false }
            mail.scheduled = true
            return true
        }
        if wake { eventLoop.execute { [self] in run() } }
    }

    /// Runs what is posted, in order, until nothing is left (on the loop).
    private func run() {
        var jobs: [@Sendable () -> Void] = []
        while true {
            let more = mail.withLock { mail -> Bool in
                guard !mail.jobs.isEmpty else {
                    mail.scheduled = false
                    return false
                }
                swap(&jobs, &mail.jobs)
                return true
            }
            guard more else { return }
            for job in jobs { job() }
            jobs.removeAll(keepingCapacity: true)
        }
    }
}
