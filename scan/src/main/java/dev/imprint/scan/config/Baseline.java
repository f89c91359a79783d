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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Accepted findings, identified by fingerprint, that later scans no longer report. A finding of
 * a secret is also accepted by the fingerprint of a finding of the same secret at the same line
 * that the scanner merged into it ({@link Finding#aliasFingerprints()}): which rule reports a
 * secret may change between versions, and that must not make it new. The file is
 * JSON ({@code schemaVersion} 2, {@code entries} of ruleId, path, fingerprint, message) and never
 * contains secret values: messages never quote secrets, secret evidence is not written, and no
 * finding fingerprint depends on a secret's value.
 *
 * <p>Schema 1 files (Imprint 0.1) still work: their secret findings' fingerprints were made from
 * an unkeyed hash of the secret, so they are matched against the fingerprint each finding would
 * have had then (computed in memory during the scan). {@link #migrate} rewrites such a file.
 */
public final class Baseline {
  static final int SCHEMA_VERSION = 2;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final int schemaVersion;
  private final Map<String, Entry> entries;

  /** One accepted finding as the file records it. */
  public record Entry(String ruleId, String path, String fingerprint, String message) {}

  private Baseline(int schemaVersion, Map<String, Entry> entries) {
    this.schemaVersion = schemaVersion;
    this.entries = entries;
  }

  /** The fingerprints this baseline accepts. */
  public Set<String> fingerprints() {
    return Set.copyOf(entries.keySet());
  }

  /** The schema version the file was written with (1 for Imprint 0.1's baselines). */
  public int schemaVersion() {
    return schemaVersion;
  }

  /** Whether the file predates keyed fingerprints and should be rewritten with migrate. */
  public boolean legacy() {
    return schemaVersion < SCHEMA_VERSION;
  }

  /** A report after filtering, and how many findings the baseline removed. */
  public record Applied(ScanReport report, int baselined) {}

  /** Removes the findings this baseline accepts. */
  public Applied apply(ScanReport report) {
    List<Finding> kept = new ArrayList<>();
    int removed = 0;
    for (Finding f : report.findings()) {
      if (accepts(f)) {
        removed++;
      } else {
        kept.add(f);
      }
    }
    return new Applied(withFindings(report, kept), removed);
  }

  private boolean accepts(Finding f) {
    return f.fingerprint() != null && entries.containsKey(f.fingerprint())
        || f.aliasFingerprints().stream().anyMatch(entries::containsKey)
        || legacy() && f.legacyFingerprint() != null
        && entries.containsKey(f.legacyFingerprint());
  }

  /** What {@link #migrate} did: the entries it kept as they were, rewrote and dropped. */
  public record Migration(int unchanged, int rewritten, List<Entry> dropped) {}

  /**
   * Rewrites this baseline for the current schema from a scan of the same code: every entry
   * that matches a current finding is written with that finding's fingerprint (entries of
   * secret findings change, the others stay as they are); entries that match no current finding
   * (fixed since, or outside the scanned paths) are dropped and listed.
   */
  public Migration migrate(ScanReport report, Path file) throws IOException {
    List<Finding> kept = new ArrayList<>();
    Set<String> matched = new HashSet<>();
    int unchanged = 0;
    int rewritten = 0;
    for (Finding f : report.findings()) {
      if (f.fingerprint() != null && entries.containsKey(f.fingerprint())) {
        matched.add(f.fingerprint());
        kept.add(f);
        unchanged++;
      } else if (legacy() && f.legacyFingerprint() != null
          && entries.containsKey(f.legacyFingerprint())) {
        matched.add(f.legacyFingerprint());
        kept.add(f);
        rewritten++;
      }
    }
    List<Entry> dropped = new ArrayList<>();
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      if (!matched.contains(e.getKey())) {
        dropped.add(e.getValue());
      }
    }
    write(withFindings(report, kept), file);
    return new Migration(unchanged, rewritten, List.copyOf(dropped));
  }

  private static ScanReport withFindings(ScanReport report, List<Finding> kept) {
    return new ScanReport(kept, report.diagnostics(), report.filesScanned(),
        report.bytesScanned(), report.filesSkipped(), report.suppressed(), report.elapsed());
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

  /** Reads a baseline file written by {@link #write} (schema 2) or by Imprint 0.1 (schema 1). */
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
    int version = root.path("schemaVersion").asInt(-1);
    if (version != 1 && version != SCHEMA_VERSION) {
      throw new ConfigException(file + ": baseline: schemaVersion: expected 1 or "
          + SCHEMA_VERSION + ", got " + root.path("schemaVersion"));
    }
    JsonNode list = root.get("entries");
    if (list == null || !list.isArray()) {
      throw new ConfigException(file + ": baseline: entries: expected a list");
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    int i = 0;
    for (JsonNode e : list) {
      JsonNode fp = e.get("fingerprint");
      if (fp == null || !fp.isTextual() || fp.asText().isBlank()) {
        throw new ConfigException(file + ": baseline: entries[" + i
            + "].fingerprint: expected a string");
      }
      entries.put(fp.asText(), new Entry(e.path("ruleId").asText(""),
          e.path("path").asText(""), fp.asText(), e.path("message").asText("")));
      i++;
    }
    return new Baseline(version, entries);
  }
}
