package dev.imprint.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imprint.agent.workloadapi.SpiffeWorkloadAPIGrpc;
import dev.imprint.agent.workloadapi.Workload;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spec's security header, checked with a plain gRPC client that may leave it out. */
class SecurityHeaderTest {
  @TempDir Path dir;

  @Test
  void aCallWithoutTheWorkloadHeaderIsRefusedAndOneWithItIsServed() throws Exception {
    try (ImprintFixture imprint = new ImprintFixture(dir)) {
      imprint.grant();
      try (Agent agent = Agent.start(imprint.agentConfig(dir, ImprintFixture.selectorFor(
          ImprintFixture.uid(), ImprintFixture.API, ImprintFixture.API_IMAGE), null))) {
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ManagedChannel ch = NettyChannelBuilder.forAddress(new DomainSocketAddress(
            agent.socket().toFile())).eventLoopGroup(loop)
            .channelType(EpollDomainSocketChannel.class).usePlaintext().build();
        try {
          var bare = SpiffeWorkloadAPIGrpc.newBlockingStub(ch);
          Workload.JWTSVIDRequest ask = Workload.JWTSVIDRequest.newBuilder()
              .addAudience("a").build();
          assertThatThrownBy(() -> bare.fetchJWTSVID(ask))
              .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription())
                    .isEqualTo("security header missing from request");
              });
          Metadata wrong = new Metadata();
          wrong.put(SecurityHeader.HEADER, "yes");
          assertThatThrownBy(() -> bare.withInterceptors(MetadataUtils
              .newAttachHeadersInterceptor(wrong)).fetchJWTSVID(ask))
              .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
                  e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
          Metadata right = new Metadata();
          right.put(SecurityHeader.HEADER, "true");
          Workload.JWTSVIDResponse r = bare.withInterceptors(MetadataUtils
              .newAttachHeadersInterceptor(right)).fetchJWTSVID(ask);
          assertThat(r.getSvids(0).getSpiffeId()).isEqualTo(ImprintFixture.API);
          assertThatThrownBy(() -> bare.withInterceptors(MetadataUtils
              .newAttachHeadersInterceptor(right)).fetchJWTSVID(Workload.JWTSVIDRequest
                  .newBuilder().addAudience("a").addAudience("b").build()))
              .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
                  e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        } finally {
          ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
          loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
      }
    }
  }
}
