package dev.imprint.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real server in its own JVM ({@link ServerProcessMain}) on the test class path, for tests
 * that kill a process or need what one process cannot show (two replicas sharing no memory, a
 * small heap). {@code output} collects what the process prints (its log included).
 */
public record ServerProcess(Process process, String url, String adminToken,
    List<String> output) implements AutoCloseable {
  /** Lines of the process's output kept for {@link #output()}; the rest is read and dropped. */
  private static final int MAX_LINES = 20_000;
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(30)).build(); // a guard: connects took over 2 s here
  /**
   * The JVM options of a start that names none: C1 only, since a test's server process lives for
   * seconds and the C2 compiler's work on start-up classes never pays back (CPU to "ready" on
   * the loaded 2-core machine: 7.5-7.7 s with both compilers, 4.1-4.2 s C1 only). Tests that
   * measure behaviour under load or in a small heap pass their own options.
   */
  private static final List<String> SHORT_LIVED = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1");

  /**
   * Starts a server on the data directory {@code dataDir} and the PostgreSQL {@code jdbc} (null:
   * SQLite in the data directory), with {@code env} added to its environment; returns once it
   * printed that it is ready. {@code adminToken} is null unless this start created it.
   */
  public static ServerProcess start(Path dataDir, String jdbc, Map<String, String> env)
      throws IOException {
    return start(dataDir, jdbc, env, null, SHORT_LIVED);
  }

  /**
   * As {@link #start(Path, String, Map)}, in a shell that first sets the process umask to
   * {@code umask} (such as {@code 000}; null: inherit), which Java itself cannot set.
   */
  public static ServerProcess start(Path dataDir, String jdbc, Map<String, String> env,
      String umask) throws IOException {
    return start(dataDir, jdbc, env, umask, SHORT_LIVED);
  }

  /** As {@link #start(Path, String, Map)} with these JVM options (a heap size, say). */
  public static ServerProcess start(Path dataDir, String jdbc, Map<String, String> env,
      List<String> jvmOptions) throws IOException {
    return start(dataDir, jdbc, env, null, jvmOptions);
  }

  private static ServerProcess start(Path dataDir, String jdbc, Map<String, String> env,
      String umask, List<String> jvmOptions) throws IOException {
    String cp = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", cp, ServerProcessMain.class.getName(), dataDir.toString()));
    if (jdbc != null) {
      cmd.add(jdbc);
    }
    if (umask != null) {
      cmd.addAll(0, List.of("/bin/sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    String admin = null;
    List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    // A guard against a server that never gets ready, not a measure of start-up: a JVM started
    // on the test class path (no class-data sharing) needed over 60 s on 2 cores that other
    // builds shared, and the test failed before it had asked anything.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (!line.startsWith("admin token: ")) {
        lines.add(line);
      }
      if (line.startsWith("admin token: ")) {
        admin = line.substring("admin token: ".length()).trim();
      } else if (line.startsWith("ready ")) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> {
          if (lines.size() < MAX_LINES) {
            lines.add(l);
          }
        }));
        drain.setDaemon(true);
        drain.start();
        return new ServerProcess(p, line.substring(6).trim(), admin, lines);
      }
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("the server process did not start; it said:\n"
        + String.join("\n", lines));
  }

  /** One API call with a bearer token; {@code body} is JSON or null. */
  public HttpResponse<String> send(String method, String path, String token, String body)
      throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** kill -9, and wait until the process is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the server process did not die");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing the server process", e);
    }
  }

  @Override
  public void close() {
    kill();
  }
}
