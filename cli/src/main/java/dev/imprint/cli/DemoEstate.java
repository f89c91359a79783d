package dev.imprint.cli;

import dev.imprint.cli.remote.ApiClient;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The example estate {@code imprint demo} loads through the API, one step per capability, so
 * that a newcomer finds findings, identities, images and audit entries in a fresh server. Each
 * capability that lands adds one {@link Step} to {@link #steps()}.
 */
final class DemoEstate {
  /** What every step gets: the admin client, the examples directory and the trust domain. */
  record Context(ApiClient admin, Path examples, String trustDomain) {
    /** A digest computed from an example file's content, so it is the same on every run. */
    String digestOf(String relative) {
      try (InputStream in = Files.newInputStream(examples.resolve(relative))) {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(in.readAllBytes());
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
      } catch (IOException | NoSuchAlgorithmException e) {
        throw new IllegalStateException("cannot read example " + relative + ": " + e.getMessage(),
            e);
      }
    }
  }

  /** One loading step: a title and what it did, in a line. */
  interface Step {
    String title();

    String load(Context ctx) throws Exception;
  }

  private DemoEstate() {}

  /** The steps, in order. */
  static List<Step> steps() {
    return List.of(new ScanExamples(), new Tokens());
  }

  /** Runs the scanner over {@code examples/}: the findings a CI gate would report. */
  static final class ScanExamples implements Step {
    private ScanReport report;

    @Override
    public String title() {
      return "scan examples/";
    }

    @Override
    public String load(Context ctx) {
      report = Scanner.create(ScanSettings.defaults()).scan(List.of(ctx.examples()));
      Map<Severity, Long> bySeverity = new EnumMap<>(Severity.class);
      for (Finding f : report.findings()) {
        bySeverity.merge(f.severity(), 1L, Long::sum);
      }
      String counts = bySeverity.entrySet().stream()
          .sorted(Map.Entry.comparingByKey((a, b) -> b.compareTo(a)))
          .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT))
          .collect(Collectors.joining(", "));
      return report.findings().size() + " findings in " + report.filesScanned() + " files ("
          + counts + ")";
    }
  }

  /** A token for each non-admin role, so the audit log records who made them. */
  static final class Tokens implements Step {
    @Override
    public String title() {
      return "create tokens";
    }

    @Override
    public String load(Context ctx) {
      for (String role : new String[] {"pipeline", "auditor"}) {
        ctx.admin().post("/v1/tokens", Map.of("role", role, "description", "demo " + role));
      }
      return "a pipeline and an auditor token (secrets not kept; `imprint token list` shows them)";
    }
  }
}
