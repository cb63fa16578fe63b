import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client is too slow to send a request: the head, then the body, must
/// each arrive within `limit`, and the next head within `idleLimit` of the last response. Time
/// counts from the deadline's start, not from the last byte, so a client dribbling one header line
/// at a time holds a connection no longer than a silent one. One event-loop timer per phase, no
/// task.
final class RequestReadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limit: TimeAmount
    private let idleLimit: TimeAmount
    private var deadline: Scheduled<Void>?
    /// Requests whose head has arrived and whose response has not been written to its end (a
    /// response may end before its request's body has been read: a 413, a 400), and whether a
    /// request is still being read.
    private var unanswered = 0
    private var reading = false

    init(limit: TimeAmount, idleLimit: TimeAmount) {
        self.limit = limit
        self.idleLimit = idleLimit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, limit) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context, limit)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            reading = true
            unanswered += 1
            arm(context, limit)  // now for the body
        case .body:
            break
        case .end:
            reading = false
            // Answered already (refused early): the next head must come within the idle limit.
            if unanswered == 0 { arm(context, idleLimit) } else { disarm() }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            unanswered = max(0, unanswered - 1)
            // While a request is still being read its body deadline stays armed.
            if unanswered == 0, !reading { arm(context, idleLimit) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext, _ amount: TimeAmount) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: amount) { channel.close(promise: nil) }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
