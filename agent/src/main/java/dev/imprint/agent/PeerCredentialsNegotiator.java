package dev.imprint.agent;

import io.grpc.Attributes;
import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.ProtocolNegotiationEvent;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.AsciiString;
import java.io.IOException;

/**
 * gRPC's plaintext server negotiation with one step added: when a connection becomes active, the
 * kernel's SO_PEERCRED credentials of the Unix socket's peer (pid, uid, gid, fixed at connect)
 * are read and attached to the transport's attributes, where every call on that connection
 * finds them. Uses grpc-netty's negotiator extension point (marked internal by gRPC; the
 * agent's tests pin its behaviour).
 */
final class PeerCredentialsNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
  /** The peer's credentials on a connection's attributes. */
  static final Attributes.Key<PeerCredentials> PEER = Attributes.Key.create(
      "imprint.agent.peer-credentials");
  private final InternalProtocolNegotiator.ProtocolNegotiator plaintext =
      InternalProtocolNegotiators.serverPlaintext();

  @Override
  public AsciiString scheme() {
    return plaintext.scheme();
  }

  @Override
  public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
    ChannelHandler grpc = InternalProtocolNegotiators.grpcNegotiationHandler(grpcHandler);
    return InternalProtocolNegotiators.waitUntilActiveHandler(
        new PeerCredentialsHandler(grpc, grpcHandler), grpcHandler.getNegotiationLogger());
  }

  @Override
  public void close() {
    plaintext.close();
  }

  /** Reads the peer's credentials once the connection is active, then hands over to gRPC. */
  private static final class PeerCredentialsHandler
      extends InternalProtocolNegotiators.ProtocolNegotiationHandler {
    PeerCredentialsHandler(ChannelHandler next, GrpcHttp2ConnectionHandler grpcHandler) {
      super(next, grpcHandler.getNegotiationLogger());
    }

    @Override
    protected void protocolNegotiationEventTriggered(ChannelHandlerContext ctx) {
      if (ctx.channel() instanceof EpollDomainSocketChannel ch) {
        try {
          PeerCredentials creds = ch.peerCredentials();
          ProtocolNegotiationEvent pne = getProtocolNegotiationEvent();
          replaceProtocolNegotiationEvent(InternalProtocolNegotiationEvent.withAttributes(pne,
              InternalProtocolNegotiationEvent.getAttributes(pne).toBuilder()
                  .set(PEER, creds).build()));
        } catch (IOException e) {
          // Without credentials the connection's calls are refused as unattested.
        }
      }
      fireProtocolNegotiationEvent(ctx);
    }
  }
}
