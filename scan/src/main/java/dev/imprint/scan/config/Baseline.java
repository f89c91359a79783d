package dev.imprint.scan.config;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Accepted findings, identified by fingerprint, that later scans no longer report. The file is
 * JSON ({@code schemaVersion} 1, {@code entries} of ruleId, path, fingerprint, message) and never
 * contains secret values: messages never quote secrets and secret evidence is not written.
 */
public final class Baseline {
  static final int SCHEMA_VERSION = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Set<String> fingerprints;

  private Baseline(Set<String> fingerprints) {
    this.fingerprints = Set.copyOf(fingerprints);
  }

  /** The fingerprints this baseline accepts. */
  public Set<String> fingerprints() {
    return fingerprints;
  }

  /** A report after filtering, and how many findings the baseline removed. */
  public record Applied(ScanReport report, int baselined) {}

  /** Removes the findings whose fingerprint is in this baseline. */
  public Applied apply(ScanReport report) {
    List<Finding> kept = new ArrayList<>();
    int removed = 0;
    for (Finding f : report.findings()) {
      if (f.fingerprint() != null && fingerprints.contains(f.fingerprint())) {
        removed++;
      } else {
        kept.add(f);
      }
    }
    ScanReport filtered = new ScanReport(kept, report.diagnostics(), report.filesScanned(),
        report.bytesScanned(), report.filesSkipped(), report.suppressed(), report.elapsed());
    return new Applied(filtered, removed);
  }

  /** Writes every finding of a report as a baseline, atomically replacing {@code file}. */
  public static void write(ScanReport report, Path file) throws IOException {
    List<Finding> findings = new ArrayList<>(report.findings());
    findings.sort(Comparator.comparing((Finding f) -> f.location().path())
        .thenComparing(Finding::ruleId)
        .thenComparing(f -> f.fingerprint() == null ? "" : f.fingerprint()));
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schemaVersion", SCHEMA_VERSION);
    ArrayNode entries = root.putArray("entries");
    for (Finding f : findings) {
      if (f.fingerprint() == null) {
        continue;
      }
      ObjectNode e = entries.addObject();
      e.put("ruleId", f.ruleId());
      e.put("path", f.location().path().replace('\\', '/'));
      e.put("fingerprint", f.fingerprint());
      e.put("message", f.message());
    }
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    String json = MAPPER.writer(new DefaultPrettyPrinter().withObjectIndenter(indenter)
        .withArrayIndenter(indenter)).writeValueAsString(root) + "\n";
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    try {
      Files.writeString(tmp, json, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Reads a baseline file written by {@link #write}. */
  public static Baseline read(Path file) throws ConfigException {
    JsonNode root;
    try {
      root = MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read baseline: "
          + e.getClass().getSimpleName(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(file + ": baseline: expected a JSON object");
    }
    if (root.path("schemaVersion").asInt(-1) != SCHEMA_VERSION) {
      throw new ConfigException(file + ": baseline: schemaVersion: expected "
          + SCHEMA_VERSION);
    }
    JsonNode entries = root.get("entries");
    if (entries == null || !entries.isArray()) {
      throw new ConfigException(file + ": baseline: entries: expected a list");
    }
    Set<String> fps = new LinkedHashSet<>();
    int i = 0;
    for (JsonNode e : entries) {
      JsonNode fp = e.get("fingerprint");
      if (fp == null || !fp.isTextual() || fp.asText().isBlank()) {
        throw new ConfigException(file + ": baseline: entries[" + i
            + "].fingerprint: expected a string");
      }
      fps.add(fp.asText());
      i++;
    }
    return new Baseline(fps);
  }
}
