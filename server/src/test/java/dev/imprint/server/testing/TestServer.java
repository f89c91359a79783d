package dev.imprint.server.testing;

import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.ServerWithRoutes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real server on a loopback port with a real HTTP client, on either store. Each server gets a
 * client of its own: the JDK client pools connections by host and port, and a POST sent on a
 * pooled connection that its server has closed fails with "HTTP/1.1 header parser received no
 * bytes" (the client retries only a GET or HEAD on it), so no test may be handed a connection
 * another test's server left behind on a port the kernel gave out again.
 */
public final class TestServer implements AutoCloseable {
  private static final Pattern ADMIN = Pattern.compile("admin token: (\\S+)");

  private final ImprintServer server;
  private final String adminToken;
  private final String console;
  private final HttpClient client;

  private TestServer(ImprintServer server, String console, HttpClient client) {
    this.server = server;
    this.console = console;
    this.client = client;
    Matcher m = ADMIN.matcher(console);
    this.adminToken = m.find() ? m.group(1) : null;
  }

  /**
   * Starts a server on port 0 storing under {@code dir} (SQLite) or in a new PostgreSQL DB. It
   * signs audit checkpoints only when asked and at shutdown, so tests that count checkpoints do
   * not race the periodic signer (whose tests set an interval).
   */
  public static TestServer start(Stores.Kind kind, Path dir) {
    return start(config(dir, Stores.jdbcUrl(kind)).withCheckpointInterval(Duration.ZERO));
  }

  /**
   * The tests' configuration: loopback port 0, data under {@code dir}, the store at
   * {@code jdbcUrl} (null: SQLite in {@code dir}), no TLS, a 64 KiB body limit, otherwise the
   * defaults (the periodic checkpoint included).
   */
  public static ServerConfig config(Path dir, String jdbcUrl) {
    ServerConfig d = ServerConfig.defaults();
    return new ServerConfig("127.0.0.1", 0, dir, jdbcUrl, d.trustDomain(), null, null, false,
        d.logFormat(), 64 * 1024);
  }

  /** Starts a server with an explicit configuration. */
  public static TestServer start(ServerConfig config) {
    return start(config, HttpClient.newHttpClient());
  }

  /** Starts a server with an explicit configuration, sending with {@code client} (TLS). */
  public static TestServer start(ServerConfig config, HttpClient client) {
    return start(config, Clock.systemUTC(), client);
  }

  /**
   * Starts a server on {@code kind}'s store under {@code dir} as {@link #start(Stores.Kind,
   * Path)} does, reading the time from {@code clock}: a test moves it rather than waits.
   */
  public static TestServer start(Stores.Kind kind, Path dir, Clock clock) {
    return start(config(dir, Stores.jdbcUrl(kind)).withCheckpointInterval(Duration.ZERO), clock,
        HttpClient.newHttpClient());
  }

  private static TestServer start(ServerConfig config, Clock clock, HttpClient client) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImprintServer s = ServerWithRoutes.start(config,
        new PrintStream(out, true, StandardCharsets.UTF_8), clock, List.of());
    return new TestServer(s, out.toString(StandardCharsets.UTF_8), client);
  }

  public ImprintServer server() {
    return server;
  }

  /** The admin token printed at first start (null when none was printed). */
  public String adminToken() {
    return adminToken;
  }

  /** What the server printed to its console. */
  public String console() {
    return console;
  }

  public String url() {
    return server.url();
  }

  /** Sends a request; {@code body} is JSON or null, {@code token} may be null. */
  public HttpResponse<String> send(String method, String path, String token, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The {@code /metrics} text once it contains {@code expected}: gauges that read the store are
   * sampled in the background every couple of seconds, so a value lags a write (fails after 30 s).
   */
  public String awaitMetrics(String expected) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (true) {
      String body = send("GET", "/metrics", null, null).body();
      if (body.contains(expected)) {
        return body;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected /metrics to contain '" + expected + "' within 30 s;"
            + " it reads:\n" + body);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
