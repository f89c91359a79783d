package dev.imprint.server.audit;

import dev.imprint.server.auth.Role;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.http.Readiness;
import dev.imprint.server.store.Database;
import dev.imprint.server.text.FreeText;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/audit}: entries by range, the latest signed checkpoint, inclusion and consistency
 * proofs, the verifier key and the export. Read-only; admin and auditor.
 */
public final class AuditRoutes implements ApiModule {
  private static final Logger LOG = LoggerFactory.getLogger(AuditRoutes.class);
  /** The largest page of entries one request returns. */
  public static final int MAX_PAGE = 1000;

  private final AuditService audit;

  public AuditRoutes(AuditService audit) {
    this.audit = audit;
  }

  /**
   * Builds the service, registers its gauges ({@code imprint.audit.entries} and
   * {@code imprint.audit.checkpoint.size}, whose difference is what no signed checkpoint covers
   * yet; {@code imprint.audit.integrity.ok}, 1 while the store agrees with what this server
   * signed) and the {@code imprint.audit.integrity.failures} counter, and starts checking the
   * whole store in the background (a large log does not delay start-up; the first request that
   * needs the log waits for the check). An integrity failure turns {@code readiness} failing
   * with {@value AuditIntegrityException#CODE}; a checkpoint file that cannot be written with
   * {@code audit.checkpoint_file_unwritable}.
   */
  public static AuditRoutes wire(Database db, String trustDomain, KeyEncryptionKey kek,
      Clock clock, MeterRegistry metrics, Readiness readiness, CheckpointFile checkpointFile) {
    Counter failures = Counter.builder("imprint.audit.integrity.failures")
        .description("audit log integrity failures found (the store disagrees with what this"
            + " server signed)").register(metrics);
    AuditService audit = new AuditService(db, trustDomain, kek, clock, checkpointFile,
        new AuditService.IntegrityListener() {
          @Override
          public void integrityFailed(AuditIntegrityException failure) {
            failures.increment();
            readiness.fail("audit", new Readiness.Failure(failure.code(), failure.detail()));
          }

          @Override
          public void checkpointFile(Optional<String> problem) {
            if (problem.isPresent()) {
              readiness.fail("audit-checkpoint-file", new Readiness.Failure(
                  "audit.checkpoint_file_unwritable", problem.get()));
            } else {
              readiness.clear("audit-checkpoint-file");
            }
          }
        });
    // both sizes read the store: sampled in the background, so a scrape never waits for it
    Gauge.builder("imprint.audit.entries", db.sampled(() -> sizeOrNaN(audit)),
        DoubleSupplier::getAsDouble).strongReference(true)
        .description("entries in the audit log").register(metrics);
    Gauge.builder("imprint.audit.checkpoint.size",
        db.sampled(() -> checkpointSizeOrNaN(audit)), DoubleSupplier::getAsDouble)
        .strongReference(true)
        .description("tree size of the latest signed audit checkpoint in the store")
        .register(metrics);
    Gauge.builder("imprint.audit.integrity.ok", audit,
        a -> a.integrityFailure().isPresent() ? 0 : 1)
        .description("1 while the stored audit log agrees with what this server signed, 0 after"
            + " an integrity failure").register(metrics);
    Thread check = new Thread(() -> {
      try {
        audit.verifyStore();
      } catch (AuditIntegrityException e) {
        // logged, counted and held by readiness already
      } catch (RuntimeException e) {
        LOG.warn("the audit log could not be checked at start; the next request or signing"
            + " tries again: {}", e.toString());
      }
    }, "imprint-audit-check");
    check.setDaemon(true);
    check.start();
    return new AuditRoutes(audit);
  }

  /** The service behind the routes (tests). */
  public AuditService service() {
    return audit;
  }

  @Override
  public void routes(Api api) {
    api.get("/v1/audit/entries", checked(this::entries), Role.ADMIN, Role.AUDITOR);
    api.get("/v1/audit/checkpoint", checked(this::checkpoint), Role.ADMIN, Role.AUDITOR);
    api.get("/v1/audit/proof/inclusion", checked(this::inclusion), Role.ADMIN, Role.AUDITOR);
    api.get("/v1/audit/proof/consistency", checked(this::consistency), Role.ADMIN,
        Role.AUDITOR);
    api.get("/v1/audit/key", this::key, Role.ADMIN, Role.AUDITOR);
    api.get("/v1/audit/export", checked(this::export), Role.ADMIN, Role.AUDITOR);
  }

  /**
   * Maps the service's integrity failure to a 503 problem with its stable code: the log cannot
   * be served or signed until an operator has investigated, and the problem says why.
   */
  private static Handler checked(Handler route) {
    return ctx -> {
      try {
        route.handle(ctx);
      } catch (AuditIntegrityException e) {
        throw integrityProblem(e);
      }
    };
  }

  static ApiProblem integrityProblem(AuditIntegrityException e) {
    return new ApiProblem(503, e.code(), "Audit log integrity failure", e.detail()
        + "; the server refuses to sign or serve the audit log until an operator has"
        + " investigated (docs/audit.md)");
  }

  @Override
  public String openApiFragment() {
    return "openapi/audit.json";
  }

  private void entries(Context ctx) {
    long size = audit.size();
    long start = param(ctx, "start", 0L);
    if (start < 0 || start > size) {
      throw outOfRange("start", "from 0 to " + size, start);
    }
    long end = param(ctx, "end", Math.min(size, start + MAX_PAGE));
    if (end < start || end - start > MAX_PAGE) {
      throw outOfRange("end", "from " + start + " to " + (start + MAX_PAGE)
          + " (at most " + MAX_PAGE + " entries per page)", end);
    }
    List<Map<String, Object>> items = audit.entries(start, Math.min(end, size)).stream()
        .map(e -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("seq", e.seq());
          m.put("loggedAt", java.time.Instant.ofEpochMilli(e.loggedAt()).toString());
          m.put("leafHash", e.leafHash());
          m.put("entry", e.entry());
          return m;
        }).toList();
    ctx.json(Map.of("size", size, "start", start, "items", items));
  }

  private void checkpoint(Context ctx) {
    AuditService.SignedCheckpoint cp = audit.checkpoint();
    String accept = ctx.header("Accept");
    if (accept != null && accept.startsWith("text/plain")) {
      ctx.contentType("text/plain; charset=utf-8").result(cp.note());
      return;
    }
    ctx.json(Map.of("origin", cp.checkpoint().origin(), "size", cp.checkpoint().size(),
        "rootHash", cp.checkpoint().rootHex(), "note", cp.note()));
  }

  private void inclusion(Context ctx) {
    long size = param(ctx, "size", -1L);
    if (size == -1) {
      size = audit.checkpoint().checkpoint().size();
    }
    long current = audit.size();
    if (size < 1 || size > current) {
      throw outOfRange("size", "from 1 to " + current, size);
    }
    Long index = param(ctx, "index", null);
    if (index == null) {
      throw ApiProblem.badRequest("audit.parameter_missing",
          "expected query parameter 'index' (an entry seq), got none");
    }
    if (index < 0 || index >= size) {
      throw outOfRange("index", "from 0 to " + (size - 1), index);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", index);
    m.put("size", size);
    m.put("leafHash", hex(audit.leafHash(index)));
    m.put("rootHash", hex(audit.root(size)));
    m.put("proof", audit.inclusionProof(index, size).stream().map(AuditRoutes::hex).toList());
    ctx.json(m);
  }

  private void consistency(Context ctx) {
    long current = audit.size();
    Long second = param(ctx, "second", null);
    Long first = param(ctx, "first", null);
    if (first == null || second == null) {
      throw ApiProblem.badRequest("audit.parameter_missing",
          "expected query parameters 'first' and 'second' (tree sizes), got "
              + (first == null ? "no 'first'" : "no 'second'"));
    }
    if (second < 1 || second > current) {
      throw outOfRange("second", "from 1 to " + current, second);
    }
    if (first < 1 || first > second) {
      throw outOfRange("first", "from 1 to " + second, first);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("first", first);
    m.put("second", second);
    m.put("firstRootHash", hex(audit.root(first)));
    m.put("secondRootHash", hex(audit.root(second)));
    m.put("proof", audit.consistencyProof(first, second).stream().map(AuditRoutes::hex).toList());
    ctx.json(m);
  }

  private void key(Context ctx) {
    ctx.json(Map.of("origin", audit.origin(), "algorithm", "Ed25519",
        "verifierKey", audit.verifierKey().encoded()));
  }

  private void export(Context ctx) {
    audit.check();
    ctx.contentType("application/jsonl; charset=utf-8");
    ctx.header("Content-Disposition", "attachment; filename=\"audit.jsonl\"");
    try {
      AuditExport.write(audit, ctx.outputStream());
    } catch (IOException e) {
      throw new UncheckedIOException("the export could not be sent", e);
    }
  }

  private static Long param(Context ctx, String name, Long fallback) {
    String v = ctx.queryParam(name);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiProblem.badRequest("audit.parameter_invalid", "expected query parameter '"
          + name + "' to be a whole number, got '" + FreeText.printable(v) + "'");
    }
  }

  private static ApiProblem outOfRange(String name, String range, long got) {
    return ApiProblem.badRequest("audit.out_of_range", "expected query parameter '" + name
        + "' " + range + ", got " + got);
  }

  private static double sizeOrNaN(AuditService audit) {
    try {
      return audit.sizeForMetrics();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  private static double checkpointSizeOrNaN(AuditService audit) {
    try {
      return audit.latestCheckpointSize();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
