import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// The HTTP/1 server channel with the realtime WebSocket upgrade on `/v1/rooms/{room}/ws`.
///
/// Plain HTTP is served as by `HTTP1Channel`. An upgraded connection is not given a task of its
/// own: its pipeline (`WritabilityHandler`, the frame codec, `RealtimeHandler`) runs it on its
/// event loop and `handle(value:)` returns at once. An idle member then costs its NIO channel and
/// a few small objects, not a suspended task with its async streams (see BENCHMARKS.md).
struct RealtimeChannel: ServerChildChannel, HTTPChannelHandler {
    enum UpgradeResult: Sendable {
        /// Upgraded: the pipeline owns the connection from here.
        case websocket
        case notUpgraded(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case failedUpgrade(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
    }

    struct Value: ServerChildChannelValue {
        let upgradeResult: EventLoopFuture<UpgradeResult>
        let channel: any Channel
    }

    /// A connection refused by the gate: it gets the 503 and no HTTP pipeline.
    struct Refused: Error {}

    /// Name of the deadline handler in the pipeline (removed on upgrade).
    static let deadlinesName = "showrunner.deadlines"

    let responder: HTTPChannelHandler.Responder
    let http1: HTTP1Channel.Configuration
    let limits: RealtimeLimits
    let connections: ConnectionLimits
    let gate: ConnectionGate
    let onTimeout: @Sendable (ConnectionDeadlineHandler.Phase) -> Void
    let upgrade: RealtimeUpgrade
    let session: RealtimeSession

    init(responder: @escaping HTTPChannelHandler.Responder, http1: HTTP1Channel.Configuration = .init(),
         limits: RealtimeLimits, connections: ConnectionLimits, gate: ConnectionGate,
         onTimeout: @escaping @Sendable (ConnectionDeadlineHandler.Phase) -> Void = { _ in },
         upgrade: RealtimeUpgrade, session: RealtimeSession) {
        self.responder = Self.upgradeResponder(responder)
        self.http1 = http1
        self.limits = limits
        self.connections = connections
        self.gate = gate
        self.onTimeout = onTimeout
        self.upgrade = upgrade
        self.session = session
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard gate.admit(channel) else {
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(RefusalHandler())
                return Value(upgradeResult: channel.eventLoop.makeFailedFuture(Refused()), channel: channel)
            }
        }
        return channel.eventLoop.makeCompletedFuture {
            let attempted = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
            let admitted = NIOLoopBoundBox<RealtimeUpgrade.Admission?>(nil, eventLoop: channel.eventLoop)
            let upgrader = NIOTypedWebSocketServerUpgrader<UpgradeResult>(
                maxFrameSize: limits.transportFrameBytesMax,
                shouldUpgrade: { channel, head in
                    attempted.value = true
                    let promise = channel.eventLoop.makePromise(of: RealtimeUpgrade.Admission?.self)
                    promise.completeWithTask { await upgrade.admit(head, logger: logger) }
                    return promise.futureResult.map { admission in
                        admitted.value = admission
                        return admission.map { _ in HTTPHeaders() }
                    }
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        guard let admission = admitted.value else { preconditionFailure("upgraded without an admission") }
                        channel.pipeline.syncOperations.removeHandler(name: Self.deadlinesName, promise: nil)
                        try session.start(channel: channel, admission: admission)
                        return UpgradeResult.websocket
                    }
                })
            let notUpgrading = { @Sendable (channel: any Channel) -> EventLoopFuture<UpgradeResult> in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                    try channel.pipeline.syncOperations.addHandlers(http1.additionalChannelHandlers())
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPConnectionStateHandler(idleTimeout: http1.idleTimeout.map { .init($0) }, logger: logger))
                    let asyncChannel = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                        wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                    return attempted.value ? .failedUpgrade(asyncChannel) : .notUpgraded(asyncChannel)
                }
            }
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<UpgradeResult>(
                upgradeConfiguration: .init(upgraders: [upgrader], notUpgradingCompletionHandler: notUpgrading))
            configuration.enablePipelining = false
            configuration.enableErrorHandling = false
            configuration.enableResponseHeaderValidation = false
            configuration.decoderConfiguration.maxHeaderFieldSize = http1.httpDecoder.maxHeaderFieldSize
            configuration.decoderConfiguration.maxHeaderListSize = http1.httpDecoder.maxHeaderListSize
            configuration.decoderConfiguration.maxHeaderFieldCount = http1.httpDecoder.maxHeaderFieldCount
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: configuration)
            let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try channel.pipeline.syncOperations.addHandler(
                ConnectionDeadlineHandler(limits: connections, onTimeout: onTimeout), name: Self.deadlinesName,
                position: .after(decoder))
            return Value(upgradeResult: negotiated, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.upgradeResult.get() {
            case .websocket:
                return
            case .notUpgraded(let http1):
                await handleHTTP(asyncChannel: http1, logger: logger)
            case .failedUpgrade(let http1):
                try await http1.executeThenClose { _, outbound in
                    let head = HTTPResponse(status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])
                    try await outbound.write(contentsOf: [.head(head), .end(nil)])
                }
            }
        } catch is Refused {
            return
        } catch {
            logger.debug("connection ended during upgrade", metadata: ["error": "\(error)"])
        }
    }

    /// An upgrade request that reaches the HTTP responder (on a reused keep-alive connection,
    /// where the upgrade handler is gone) is redirected to the same URL on a new connection.
    private static func upgradeResponder(_ responder: @escaping HTTPChannelHandler.Responder) -> HTTPChannelHandler.Responder {
        struct RedirectClose: Error {}
        return { (request: Request, writer: consuming ResponseWriter, channel: any Channel) in
            guard request.headers[.upgrade]?.lowercased() == "websocket" else {
                try await responder(request, writer, channel)
                return
            }
            let location = request.uri.query.map { "\(request.uri.path)?\($0)" } ?? request.uri.path
            try await writer.writeResponse(HTTPResponse(status: .temporaryRedirect, headerFields: [.connection: "close", .location: location]))
            throw RedirectClose()
        }
    }
}
