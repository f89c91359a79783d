package dev.imprint.bench.load;

import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Small writes beside big ones: N clients create tokens while one more client uploads a report
 * of {@value #FINDINGS} findings again and again (a new commit each time). Prints the token
 * creations' p50/p99 with and without the uploads, and how many uploads completed. A big write
 * must not stall the small ones behind the store's single writer.
 */
final class MixedUpload {
  static final String NAME = "mixed-upload";
  static final int FINDINGS = 50_000;
  private static final Pattern ADMIN = Pattern.compile("admin token: (\\S+)");

  private MixedUpload() {}

  /** Prints the table header; {@link #run} prints rows under it. */
  static void header() {
    System.out.println();
    System.out.println("| mixed load | store | uploads of " + FINDINGS + " findings |"
        + " token-create clients | token creations/s | p50 ms | p99 ms | max ms |"
        + " uploads done | upload mean s | errors |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
  }

  static void run(String store, String jdbcUrl, int clients, int seconds, int warmup)
      throws Exception {
    Path dir = Files.createTempDirectory("imprint-mixed-");
    ServerConfig d = ServerConfig.defaults();
    ServerConfig config = new ServerConfig("127.0.0.1", 0, dir, jdbcUrl, d.trustDomain(), null,
        null, false, d.logFormat(), d.maxBodyBytes());
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (ImprintServer server = ImprintServer.start(config,
        new PrintStream(console, true, StandardCharsets.UTF_8))) {
      Matcher m = ADMIN.matcher(console.toString(StandardCharsets.UTF_8));
      if (!m.find()) {
        throw new IllegalStateException("no admin token printed");
      }
      Target t = new Target(server.url(), m.group(1));
      String report = report();
      LoadGenerator.Op small = (client, i) -> LoadGenerator.HTTP.send(t.postJson("/v1/tokens",
          t.adminToken(), "{\"role\":\"workload\",\"description\":\"mixed " + client + "-" + i
              + "\"}"), HttpResponse.BodyHandlers.discarding()).statusCode() == 201;
      WarmUp.closedLoop(NAME, clients, warmup, small);
      row(store, "none", clients, LoadGenerator.drive(NAME, clients, seconds, small), 0, 0, 0);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong uploads = new AtomicLong();
      AtomicLong uploadNanos = new AtomicLong();
      AtomicLong uploadErrors = new AtomicLong();
      AtomicLong commits = new AtomicLong();
      Thread uploader = new Thread(() -> {
        while (!stop.get()) {
          String commit = String.format(Locale.ROOT, "%040x", commits.incrementAndGet());
          String body = "{\"repository\":\"bench/mixed\",\"commit\":\"" + commit
              + "\",\"report\":" + report + "}";
          long t0 = System.nanoTime();
          try {
            int status = LoadGenerator.HTTP.send(t.postJson("/v1/findings", t.adminToken(),
                body), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 201) {
              uploads.incrementAndGet();
              uploadNanos.addAndGet(System.nanoTime() - t0);
            } else {
              uploadErrors.incrementAndGet();
            }
          } catch (Exception e) {
            uploadErrors.incrementAndGet();
          }
        }
      }, "mixed-uploader");
      uploader.start();
      LoadGenerator.Result r = LoadGenerator.drive(NAME, clients, seconds, small);
      stop.set(true);
      uploader.join();
      row(store, "1 client, back to back", clients, r, uploads.get(), uploadNanos.get(),
          uploadErrors.get());
    } finally {
      LoadGenerator.deleteTree(dir);
    }
  }

  private static void row(String store, String uploads, int clients, LoadGenerator.Result r,
      long done, long uploadNanos, long uploadErrors) {
    long[] lat = r.latenciesNanos();
    System.out.println(String.format(Locale.ROOT,
        "| | %s | %s | %d | %.0f | %.1f | %.1f | %.1f | %s | %s | %d |", store, uploads, clients,
        r.perSecond(), r.percentileMillis(50), r.percentileMillis(99),
        lat.length == 0 ? Double.NaN : lat[lat.length - 1] / 1e6,
        uploads.equals("none") ? "-" : Long.toString(done),
        done == 0 ? "-" : String.format(Locale.ROOT, "%.2f", uploadNanos / 1e9 / done),
        r.errors() + uploadErrors));
  }

  /** An Imprint JSON report (schemaVersion 1) of {@value #FINDINGS} findings, about 12 MB. */
  static String report() {
    StringBuilder b = new StringBuilder(FINDINGS * 240);
    b.append("{\"schemaVersion\":1,\"tool\":{\"name\":\"imprint\",\"version\":\"bench\"},")
        .append("\"findings\":[");
    String[] severities = {"critical", "high", "medium", "low", "info"};
    for (int i = 0; i < FINDINGS; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"ruleId\":\"IMP-DOCKER-001\",\"title\":\"Base image not pinned by digest\",")
          .append("\"severity\":\"").append(severities[i % 5]).append("\",")
          .append("\"category\":\"immutability\",\"path\":\"services/svc-").append(i / 10)
          .append("/Dockerfile\",\"line\":").append(1 + i % 40).append(",\"column\":1,")
          .append("\"message\":\"FROM python:3.12 is a mutable tag\",\"fingerprint\":\"")
          .append(String.format(Locale.ROOT, "%016x", i * 2654435761L)).append("\"}");
    }
    return b.append("]}").toString();
  }
}
