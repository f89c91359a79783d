package dev.imprint.bench.load;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Flow;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.BasicHttpClientConnectionManager;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;

/**
 * The timed clients' HTTP stack: one request in flight per client, never pipelined.
 *
 * <p>{@code apache} (the default): Apache HttpClient 5's classic client, one per client thread
 * with its own single keep-alive connection. The request is written and the answer read on the
 * client's own thread, so a request costs no hand-off between threads and no pool lock. {@code
 * jdk}: the JDK's {@link HttpClient} (HTTP/1.1), kept for the A/B: its selector thread reads
 * every answer and hands it to the waiting client through a future, which in the profiles of
 * JWT-SVID issuance cost the client side about as much CPU as the server spent on the request.
 *
 * <p>Scenarios describe their requests as JDK {@link HttpRequest}s (immutable, built once where
 * the request repeats); the Apache client sends the same method, URI, headers and body.
 */
final class LoadClient implements AutoCloseable {
  /** Names of the threads an HTTP client runs of its own (the Apache client runs none). */
  static final String THREAD_PREFIX = "HttpClient";

  /** Which HTTP client the timed loop uses. */
  enum Kind {
    APACHE, JDK;

    static Kind parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("expected --http-client apache or jdk, got " + s, e);
      }
    }
  }

  private final Kind kind;
  private final CloseableHttpClient[] apache;
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
  }

  /** Sends {@code r} as client {@code client} and reads the whole answer; its status. */
  int send(int client, HttpRequest r) throws IOException, InterruptedException {
    if (kind == Kind.JDK) {
      return LoadGenerator.HTTP.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
    ClassicRequestBuilder b = ClassicRequestBuilder.create(r.method()).setUri(r.uri());
    String contentType = null;
    for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
      for (String v : h.getValue()) {
        if (h.getKey().equalsIgnoreCase("Content-Type")) {
          contentType = v;
        } else {
          b.addHeader(h.getKey(), v);
        }
      }
    }
    if (r.bodyPublisher().isPresent()) {
      byte[] body = body(client, r.bodyPublisher().get());
      b.setEntity(new ByteArrayEntity(body, contentType == null ? null
          : ContentType.parse(contentType)));
    }
    ClassicHttpRequest request = b.build();
    return apache[client].execute(request, response -> {
      EntityUtils.consume(response.getEntity());
      return response.getCode();
    });
  }

  /** The bytes {@code p} publishes (read once per publisher and client). */
  private byte[] body(int client, HttpRequest.BodyPublisher p) {
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
  }
}
