package dev.imprint.agent;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.netty.channel.unix.PeerCredentials;

/**
 * Refuses every call without the {@code workload.spiffe.io: true} metadata (SPIFFE Workload API,
 * section 5.1: it proves the caller meant to reach the Workload API, so a server-side request
 * forgery cannot), and puts the connection's peer credentials in the call's context.
 */
final class SecurityHeader implements ServerInterceptor {
  static final Metadata.Key<String> HEADER = Metadata.Key.of("workload.spiffe.io",
      Metadata.ASCII_STRING_MARSHALLER);
  /** The caller's peer credentials, when the connection has them. */
  static final Context.Key<PeerCredentials> PEER = Context.key("imprint.agent.peer");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (!"true".equals(headers.get(HEADER))) {
      call.close(Status.INVALID_ARGUMENT.withDescription(
          "security header missing from request"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    PeerCredentials creds = call.getAttributes().get(PeerCredentialsNegotiator.PEER);
    return Contexts.interceptCall(Context.current().withValue(PEER, creds), call, headers,
        next);
  }
}
