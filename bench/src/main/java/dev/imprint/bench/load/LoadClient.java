package dev.imprint.bench.load;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.function.BiConsumer;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.BasicHttpClientConnectionManager;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;

/**
 * The timed clients' HTTP stack: one request in flight per client, never pipelined.
 *
 * <p>{@code apache} (the default): Apache HttpClient 5's classic client, one per client thread
 * with its own single keep-alive connection. The request is written and the answer read on the
 * client's own thread, so a request costs no hand-off between threads and no pool lock. The
 * others are kept for the A/B of the client's own cost (each row prints the client threads' CPU
 * time per request): {@code apache-async}, Apache HttpClient 5's async client (one I/O reactor
 * thread per core, a pooled keep-alive connection per client), {@code jetty}, Jetty's
 * HttpClient (its own thread pool, a keep-alive connection per client), and {@code jdk}, the
 * JDK's {@link HttpClient} (HTTP/1.1). These three read every answer on a thread of their own
 * and hand it to the waiting client through a future. Every kind keeps one request in flight per
 * client on HTTP/1.1, never pipelined.
 *
 * <p>Scenarios describe their requests as JDK {@link HttpRequest}s (immutable, built once where
 * the request repeats); the Apache client sends the same method, URI, headers and body.
 */
final class LoadClient implements AutoCloseable {
  /** Names of the threads an HTTP client runs of its own (the Apache client runs none). */
  static final String THREAD_PREFIX = "HttpClient";
  /** Names of the Apache async client's I/O reactor threads. */
  static final String ASYNC_THREAD_PREFIX = "httpclient-dispatch";

  /** Whether the thread named {@code n} is one an HTTP client runs of its own. */
  static boolean isClientThread(String n) {
    return n.startsWith(THREAD_PREFIX) || n.startsWith(ASYNC_THREAD_PREFIX);
  }

  /** Which HTTP client the timed loop uses. */
  enum Kind {
    APACHE, APACHE_ASYNC, JETTY, JDK;

    static Kind parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("expected --http-client apache, apache-async, jetty"
            + " or jdk, got " + s, e);
      }
    }

    /** The name {@code --http-client} takes. */
    String wire() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final Kind kind;
  private final CloseableHttpClient[] apache;
  private final CloseableHttpAsyncClient async;
  private final org.eclipse.jetty.client.HttpClient jetty;
  /** Per client, the body publisher last read and its bytes (scenarios reuse one request). */
  private final Flow.Publisher<?>[] lastPublisher;
  private final byte[][] lastBody;

  LoadClient(Kind kind, int clients) {
    this.kind = kind;
    this.apache = new CloseableHttpClient[kind == Kind.APACHE ? clients : 0];
    this.lastPublisher = new Flow.Publisher<?>[clients];
    this.lastBody = new byte[clients][];
    RequestConfig config = RequestConfig.custom().setRedirectsEnabled(false)
        .setContentCompressionEnabled(false).build();
    for (int c = 0; c < apache.length; c++) {
      apache[c] = HttpClients.custom()
          .setConnectionManager(new BasicHttpClientConnectionManager())
          .setDefaultRequestConfig(config).disableAutomaticRetries()
          .disableCookieManagement().disableAuthCaching().disableRedirectHandling()
          .disableContentCompression().build();
    }
    if (kind == Kind.APACHE_ASYNC) {
      async = HttpAsyncClients.custom().setConnectionManager(
          PoolingAsyncClientConnectionManagerBuilder.create().setMaxConnTotal(clients)
              .setMaxConnPerRoute(clients).setDefaultTlsConfig(TlsConfig.custom()
                  .setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build()).build())
          .setIOReactorConfig(IOReactorConfig.custom()
              .setIoThreadCount(Runtime.getRuntime().availableProcessors()).build())
          .setDefaultRequestConfig(config).disableAutomaticRetries().disableCookieManagement()
          .disableAuthCaching().disableRedirectHandling().build();
      async.start();
    } else {
      async = null;
    }
    if (kind == Kind.JETTY) {
      jetty = new org.eclipse.jetty.client.HttpClient();
      jetty.setMaxConnectionsPerDestination(clients);
      jetty.setFollowRedirects(false);
      jetty.setUserAgentField(null);
      try {
        jetty.start();
      } catch (Exception e) {
        throw new IllegalStateException("Jetty's HttpClient did not start", e);
      }
    } else {
      jetty = null;
    }
  }

  /** Sends {@code r} as client {@code client} and reads the whole answer; its status. */
  int send(int client, HttpRequest r) throws IOException, InterruptedException {
    if (kind == Kind.JDK) {
      return LoadGenerator.HTTP.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
    if (kind == Kind.APACHE_ASYNC) {
      return sendAsync(client, r);
    }
    if (kind == Kind.JETTY) {
      return sendJetty(client, r);
    }
    Prepared p = prepared(client, r);
    BasicClassicHttpRequest request = new BasicClassicHttpRequest(p.method(), p.uri());
    request.setHeaders(p.headers());
    request.setEntity(p.entity());
    return apache[client].execute(request, response -> {
      EntityUtils.consume(response.getEntity());
      return response.getCode();
    });
  }

  /**
   * A JDK request in the Apache client's terms, built once: its headers and its body as a
   * repeatable entity (both immutable, shared by every send of it).
   */
  private record Prepared(String method, java.net.URI uri, Header[] headers, HttpEntity entity) {}

  /** Requests the cache keeps at most (scenarios that build a new request per call fill it). */
  static final int PREPARED_MAX = 4096;

  /** A request as a key by identity (a JDK request's own equals and hashCode read it all). */
  private record Same(HttpRequest r) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Same s && s.r == r;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(r);
    }
  }

  /**
   * The prepared form of each request sent so far, shared by the clients. Scenarios that reuse
   * a fixed set of requests find theirs from the second send on; once {@link #PREPARED_MAX} are
   * kept, new ones are prepared for their send alone (a scenario that builds a request per call
   * gains nothing from a cache and must not grow one without bound).
   */
  private final java.util.concurrent.ConcurrentHashMap<Same, Prepared> prepared =
      new java.util.concurrent.ConcurrentHashMap<>();

  private Prepared prepared(int client, HttpRequest r) {
    Same key = new Same(r);
    Prepared p = prepared.get(key);
    if (p != null) {
      return p;
    }
    List<Header> headers = new java.util.ArrayList<>();
    String contentType = copyHeaders(r, (name, v) -> headers.add(new BasicHeader(name, v)));
    byte[] body = body(client, r);
    p = new Prepared(r.method(), r.uri(), headers.toArray(new Header[0]),
        body == null ? null : new ByteArrayEntity(body, contentType == null ? null
            : ContentType.parse(contentType)));
    if (prepared.size() < PREPARED_MAX) {
      prepared.put(key, p);
    }
    return p;
  }

  private int sendAsync(int client, HttpRequest r) throws IOException, InterruptedException {
    SimpleRequestBuilder b = SimpleRequestBuilder.create(r.method()).setUri(r.uri());
    String contentType = copyHeaders(r, b::addHeader);
    byte[] body = body(client, r);
    if (body != null) {
      b.setBody(body, contentType == null ? ContentType.APPLICATION_OCTET_STREAM
          : ContentType.parse(contentType));
    }
    try {
      SimpleHttpResponse res = async.execute(b.build(), null).get();
      return res.getCode();
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
  }

  private int sendJetty(int client, HttpRequest r) throws IOException, InterruptedException {
    Request req = jetty.newRequest(r.uri()).method(r.method());
    String contentType = copyHeaders(r, (name, v) -> req.headers(f -> f.add(name, v)));
    byte[] body = body(client, r);
    if (body != null) {
      req.body(new BytesRequestContent(contentType, body));
    }
    try {
      ContentResponse res = req.send();
      return res.getStatus();
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException(e.getCause() != null ? e.getCause() : e);
    }
  }

  /**
   * Hands every header of {@code r} but {@code Content-Type} to {@code add}, in order; the
   * {@code Content-Type}, which each client takes with the body, is returned (null without one).
   */
  static String copyHeaders(HttpRequest r, BiConsumer<String, String> add) {
    String contentType = null;
    for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
      for (String v : h.getValue()) {
        if (h.getKey().equalsIgnoreCase("Content-Type")) {
          contentType = v;
        } else {
          add.accept(h.getKey(), v);
        }
      }
    }
    return contentType;
  }

  /** The bytes of {@code r}'s body (read once per publisher and client); null without one. */
  private byte[] body(int client, HttpRequest r) {
    if (r.bodyPublisher().isEmpty()) {
      return null;
    }
    HttpRequest.BodyPublisher p = r.bodyPublisher().get();
    if (lastPublisher[client] == p) {
      return lastBody[client];
    }
    byte[] bytes = read(p);
    lastPublisher[client] = p;
    lastBody[client] = bytes;
    return bytes;
  }

  /** Reads a body publisher that publishes on the caller's thread (ofString, ofByteArray). */
  static byte[] read(HttpRequest.BodyPublisher p) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    boolean[] done = new boolean[1];
    p.subscribe(new Flow.Subscriber<ByteBuffer>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ByteBuffer item) {
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        out.writeBytes(chunk);
      }

      @Override
      public void onError(Throwable t) {
        throw new IllegalStateException("the request body could not be read", t);
      }

      @Override
      public void onComplete() {
        done[0] = true;
      }
    });
    if (!done[0]) {
      throw new IllegalStateException("the request body did not publish synchronously; build it"
          + " with BodyPublishers.ofString or ofByteArray");
    }
    return out.toByteArray();
  }

  @Override
  public void close() throws IOException {
    for (CloseableHttpClient c : apache) {
      c.close();
    }
    if (async != null) {
      async.close();
    }
    if (jetty != null) {
      try {
        jetty.stop();
      } catch (Exception e) {
        throw new IOException("Jetty's HttpClient did not stop", e);
      }
    }
  }
}
