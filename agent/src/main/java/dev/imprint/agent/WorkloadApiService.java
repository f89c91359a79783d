package dev.imprint.agent;

import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.imprint.agent.workloadapi.SpiffeWorkloadAPIGrpc;
import dev.imprint.agent.workloadapi.Workload;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.netty.channel.unix.PeerCredentials;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The five Workload API calls. Each caller is attested from its connection's peer credentials;
 * the streams push a new X.509-SVID half way through the current one's life and new bundles
 * whenever the server publishes a change.
 */
final class WorkloadApiService extends SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadApiService.class);
  /** How soon a rotation the server did not answer is tried again. */
  static final Duration RETRY = Duration.ofSeconds(2);

  private final CallerAttestor attestor;
  private final WorkloadSvids svids;
  private final Bundles bundles;
  private final JwtSvidCheck check;
  private final Supplier<String> trustDomain;
  private final Path procRoot;
  private final ScheduledExecutorService timer;
  private final Clock clock;

  WorkloadApiService(CallerAttestor attestor, WorkloadSvids svids, Bundles bundles,
      Supplier<String> trustDomain, Path procRoot, ScheduledExecutorService timer, Clock clock) {
    this.attestor = attestor;
    this.svids = svids;
    this.bundles = bundles;
    this.check = new JwtSvidCheck(clock);
    this.trustDomain = trustDomain;
    this.procRoot = procRoot;
    this.timer = timer;
    this.clock = clock;
  }

  @Override
  public void fetchX509SVID(Workload.X509SVIDRequest request,
      StreamObserver<Workload.X509SVIDResponse> out) {
    CallerAttestor.Caller caller;
    try {
      caller = caller();
    } catch (StatusRuntimeException e) {
      out.onError(e);
      return;
    }
    new X509Stream(caller, (ServerCallStreamObserver<Workload.X509SVIDResponse>) out).start();
  }

  @Override
  public void fetchX509Bundles(Workload.X509BundlesRequest request,
      StreamObserver<Workload.X509BundlesResponse> out) {
    stream(out, s -> Workload.X509BundlesResponse.newBuilder().putBundles(tdId(),
        ByteString.copyFrom(s.x509Der())).build());
  }

  @Override
  public void fetchJWTBundles(Workload.JWTBundlesRequest request,
      StreamObserver<Workload.JWTBundlesResponse> out) {
    stream(out, s -> Workload.JWTBundlesResponse.newBuilder().putBundles(tdId(),
        ByteString.copyFrom(s.jwtBytes())).build());
  }

  @Override
  public void fetchJWTSVID(Workload.JWTSVIDRequest request,
      StreamObserver<Workload.JWTSVIDResponse> out) {
    try {
      if (request.getAudienceCount() == 0) {
        throw Status.INVALID_ARGUMENT.withDescription("audience must be specified")
            .asRuntimeException();
      }
      if (request.getAudienceCount() > 1) {
        throw Status.INVALID_ARGUMENT.withDescription("Imprint issues a JWT-SVID for one"
            + " audience; got " + request.getAudienceCount()).asRuntimeException();
      }
      CallerAttestor.Caller caller = caller();
      WorkloadSvids.Jwt jwt = svids.jwt(caller, request.getAudience(0));
      if (!request.getSpiffeId().isEmpty() && !request.getSpiffeId().equals(jwt.spiffeId())) {
        throw Status.PERMISSION_DENIED.withDescription("the caller is not entitled to "
            + request.getSpiffeId()).asRuntimeException();
      }
      out.onNext(Workload.JWTSVIDResponse.newBuilder().addSvids(Workload.JWTSVID.newBuilder()
          .setSpiffeId(jwt.spiffeId()).setSvid(jwt.token())).build());
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    } catch (ServerException e) {
      out.onError(status(e).asRuntimeException());
    }
  }

  @Override
  public void validateJWTSVID(Workload.ValidateJWTSVIDRequest request,
      StreamObserver<Workload.ValidateJWTSVIDResponse> out) {
    if (request.getAudience().isEmpty()) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("audience must be specified")
          .asRuntimeException());
      return;
    }
    if (request.getSvid().isEmpty()) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("svid must be specified")
          .asRuntimeException());
      return;
    }
    try {
      JwtSvidCheck.Valid v = check.validate(request.getSvid(), request.getAudience(),
          trustDomain.get(), bundles.current().jwtJwks());
      out.onNext(Workload.ValidateJWTSVIDResponse.newBuilder().setSpiffeId(v.spiffeId())
          .setClaims(struct(v.claims())).build());
      out.onCompleted();
    } catch (JwtSvidCheck.Invalid e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  /** Attests the caller of the current call, or throws PERMISSION_DENIED. */
  private CallerAttestor.Caller caller() {
    PeerCredentials creds = SecurityHeader.PEER.get();
    if (creds == null) {
      throw Status.PERMISSION_DENIED.withDescription("no identity issued: the caller's peer"
          + " credentials are unknown").asRuntimeException();
    }
    int[] gids = creds.gids();
    PeerProcess p = PeerProcess.of(creds.pid(), creds.uid(), gids.length > 0 ? gids[0] : -1,
        procRoot);
    return attestor.attest(p).orElseThrow(() -> {
      LOG.info("no identity for caller pid {} uid {} gid {}", p.pid(), p.uid(), p.gid());
      return Status.PERMISSION_DENIED.withDescription("no identity issued").asRuntimeException();
    });
  }

  private String tdId() {
    return "spiffe://" + trustDomain.get();
  }

  /** A bundle stream: the current bundles now, and each change until the caller goes. */
  private <T> void stream(StreamObserver<T> out,
      java.util.function.Function<Bundles.Snapshot, T> response) {
    ServerCallStreamObserver<T> so = (ServerCallStreamObserver<T>) out;
    Object lock = new Object();
    Runnable undo = bundles.onChange(s -> {
      synchronized (lock) {
        if (!so.isCancelled()) {
          so.onNext(response.apply(s));
        }
      }
    });
    so.setOnCancelHandler(undo);
    synchronized (lock) {
      so.onNext(response.apply(bundles.current()));
    }
  }

  private static Status status(ServerException e) {
    if (e.status() == 403 || e.status() == 409 || e.status() == 404) {
      return Status.PERMISSION_DENIED.withDescription("no identity issued: " + e.code());
    }
    return Status.UNAVAILABLE.withDescription("the Imprint server: " + e.code());
  }

  /** One FetchX509SVID stream: sends, then again at half life and on each bundle change. */
  private final class X509Stream {
    private final CallerAttestor.Caller caller;
    private final ServerCallStreamObserver<Workload.X509SVIDResponse> out;
    private WorkloadSvids.X509 svid;
    private ScheduledFuture<?> next;
    private Runnable undo = () -> {};
    private boolean closed;

    X509Stream(CallerAttestor.Caller caller,
        ServerCallStreamObserver<Workload.X509SVIDResponse> out) {
      this.caller = caller;
      this.out = out;
    }

    void start() {
      out.setOnCancelHandler(this::close);
      synchronized (this) {
        try {
          svid = svids.x509(caller);
        } catch (ServerException e) {
          fail(status(e));
          return;
        }
        send();
        undo = bundles.onChange(s -> {
          synchronized (this) {
            send();
          }
        });
        schedule(WorkloadSvids.rotateAt(svid));
      }
    }

    private void rotate() {
      synchronized (this) {
        if (closed) {
          return;
        }
        try {
          svid = svids.x509(caller, svid);
        } catch (ServerException e) {
          Status s = status(e);
          if (s.getCode() == Status.Code.PERMISSION_DENIED) {
            fail(s);
          } else {
            LOG.warn("cannot rotate the X.509-SVID of {} ({}); retrying", svid.spiffeId(),
                e.code());
            schedule(clock.instant().plus(RETRY));
          }
          return;
        }
        send();
        schedule(WorkloadSvids.rotateAt(svid));
      }
    }

    private void send() {
      if (closed || out.isCancelled()) {
        return;
      }
      out.onNext(Workload.X509SVIDResponse.newBuilder().addSvids(Workload.X509SVID
          .newBuilder().setSpiffeId(svid.spiffeId()).setX509Svid(ByteString.copyFrom(
              svid.chainDer())).setX509SvidKey(ByteString.copyFrom(svid.keyPkcs8()))
          .setBundle(ByteString.copyFrom(bundles.current().x509Der()))).build());
    }

    private void schedule(Instant at) {
      long ms = Math.max(0, Duration.between(clock.instant(), at).toMillis());
      next = timer.schedule(this::rotate, ms, TimeUnit.MILLISECONDS);
    }

    private void fail(Status s) {
      close();
      out.onError(s.asRuntimeException());
    }

    private synchronized void close() {
      closed = true;
      undo.run();
      if (next != null) {
        next.cancel(false);
      }
    }
  }

  static Struct struct(Map<String, Object> claims) {
    Struct.Builder b = Struct.newBuilder();
    claims.forEach((k, v) -> b.putFields(k, value(v)));
    return b.build();
  }

  private static Value value(Object v) {
    if (v == null) {
      return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    }
    if (v instanceof String s) {
      return Value.newBuilder().setStringValue(s).build();
    }
    if (v instanceof Number n) {
      return Value.newBuilder().setNumberValue(n.doubleValue()).build();
    }
    if (v instanceof Boolean bo) {
      return Value.newBuilder().setBoolValue(bo).build();
    }
    if (v instanceof Date d) {
      return Value.newBuilder().setNumberValue(d.getTime() / 1000).build();
    }
    if (v instanceof Collection<?> c) {
      ListValue.Builder l = ListValue.newBuilder();
      c.forEach(x -> l.addValues(value(x)));
      return Value.newBuilder().setListValue(l).build();
    }
    if (v instanceof Map<?, ?> m) {
      Struct.Builder s = Struct.newBuilder();
      m.forEach((k, x) -> s.putFields(String.valueOf(k), value(x)));
      return Value.newBuilder().setStructValue(s).build();
    }
    return Value.newBuilder().setStringValue(String.valueOf(v)).build();
  }
}
