/// The limits of the realtime endpoint, each named and configurable.
///
/// Close codes (documented in docs/protocol.md):
/// - `1008` policy violation: `invalidFramesMax` bad client frames (oversize, bad UTF-8/JSON);
/// - `4001` slow consumer: the outbound queue overflowed with frames that may not be dropped;
/// - `4002` idle timeout: nothing received for `idleTimeout`;
/// - `1001` going away: the server is shutting down.
struct RealtimeLimits: Sendable {
    /// Close code for a client that cannot keep up.
    static let closeSlowConsumer = 4001
    /// Close code for a client that stayed silent too long.
    static let closeIdle = 4002
    /// Close code for a server shutting down (RFC 6455 going away).
    static let closeGoingAway = 1001
    /// Close code for repeated bad frames (RFC 6455 policy violation).
    static let closePolicy = 1008

    /// Largest client message we accept, in bytes; larger ones get an `error` frame.
    var frameBytesMax = 4 * 1024
    /// Hard transport limit (bigger frames close the socket with 1009 before we see them).
    var transportFrameBytesMax = 64 * 1024
    /// Bad client frames tolerated before closing with 1008.
    var invalidFramesMax = 5
    /// Client messages read and kept, in order, while one of the connection's messages is being
    /// sent (a danmaku or a gift): beyond it the server stops reading the socket until they are
    /// handled, so a client that writes faster than it is answered is held back by TCP. (Reading
    /// on below it answers pings in the meantime, and spares two `epoll_ctl` calls a message.)
    var waitingMessagesMax = 16
    /// Most frames one connection may lag behind its room (and most of its own frames waiting);
    /// beyond it, droppable frames are skipped oldest-first, and a connection that stays beyond
    /// it without writing anything from one sweep to the next is closed with 4001.
    var outboxCountMax = 512
    /// Most bytes one connection may lag behind its room, as `outboxCountMax`.
    var outboxBytesMax = 512 * 1024
    /// Most room frames kept once per room and event loop for members that have not written
    /// them yet; members still at the oldest frame when it overflows are closed with 4001.
    var backlogCountMax = 8_192
    /// Most bytes of that backlog.
    var backlogBytesMax = 32 * 1024 * 1024
    /// Room frames that arrive within this interval of a loop's last delivery wait for the
    /// next one and go out together, one write per member; an event after a quiet interval goes
    /// out at once. Bounds the system calls per member to one per interval at any event rate.
    /// (`serve --coalesce-ms`; 0 writes every event at once.)
    var coalesceInterval: Duration = .milliseconds(RealtimeLimits.coalesceMillisDefault)
    /// After a drain, a loop waits as long as that drain took, up to this, before the next one:
    /// under load it spends about half its time writing room frames and keeps the rest for
    /// reading (publishers, danmaku, pings), and each write carries more frames. Only with a
    /// non-zero `coalesceInterval`.
    var drainRestMax: Duration = .milliseconds(50)
    /// Default of `coalesceInterval`, in milliseconds: a little longer than the journal
    /// consumers' batch spacing (20 ms), so each of their batches' room events goes out in one
    /// write per member. At 10 ms a member got about two writes per batch; 25 ms took about a
    /// tenth of the server's CPU off a gift on the socket gifts benchmark, and left a fan-out to
    /// 1,000 members where 10 ms had it (p50 16 ms, p99 32–63 ms; `benchmarks/LOG.md`,
    /// 2026-12-06T22:10Z).
    static let coalesceMillisDefault: Int64 = 25
    /// A connection that sends nothing (not even `ping`) for this long is closed with 4002.
    var idleTimeout: Duration = .seconds(60)
    /// How often the one sweep over all connections runs.
    var sweepInterval: Duration = .seconds(5)
    /// How long a closing connection may take to receive its close frame before the socket is cut.
    var closeGrace: Duration = .seconds(2)

    /// The defaults.
    init() {}
}
