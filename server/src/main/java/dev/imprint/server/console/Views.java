package dev.imprint.server.console;

import dev.imprint.server.identity.Identity;
import dev.imprint.server.image.Image;
import dev.imprint.server.image.ImageService;
import dev.imprint.server.image.ReportSummary;
import java.util.List;
import java.util.Map;

/** The models the templates render: one record per page, each with the page's frame. */
final class Views {
  private Views() {}

  /** Who supplied a part of a registration, in words. */
  static String who(Image.Supplier s) {
    if (s == null) {
      return "not recorded";
    }
    return s.token() + " (" + s.role() + (s.identity() == null ? "" : ", " + s.identity()) + ")";
  }

  /** What a report says made it, in words. */
  static String madeBy(ReportSummary r) {
    if (r == null) {
      return "";
    }
    ReportSummary.Source src = r.source();
    StringBuilder b = new StringBuilder(r.format());
    if (src.scanner() != null) {
      b.append(", by ").append(src.scanner());
      if (src.scannerVersion() != null) {
        b.append(' ').append(src.scannerVersion());
      }
    }
    if (src.filesScanned() != null) {
      b.append(", ").append(src.filesScanned()).append(" files scanned");
    }
    if (src.subject() != null) {
      b.append(", of ").append(src.subject());
    }
    return b.toString();
  }

  /** A query parameter value, URL-encoded. */
  static String q(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A value or a dash when absent. */
  static String or(String s) {
    return s == null || s.isBlank() ? "\u2014" : s;
  }

  /** What every page shows around its content: title, navigation, who is signed in. */
  record Frame(String title, String section, ConsoleSessions.Session session) {
    boolean signedIn() {
      return session != null;
    }

    boolean canChange() {
      return session != null && session.canChange();
    }

    String role() {
      return session == null ? "" : session.role().wire();
    }

    String csrf() {
      return session == null ? "" : session.csrf();
    }
  }

  /** A count that links on. */
  record Count(String label, long value, String href) {}

  record Login(Frame frame, String code, String message) {}

  record Error(Frame frame, int status, String code, String detail) {}

  record Overview(Frame frame, List<Count> identities, List<Count> images,
      List<Count> findings, List<Count> alerts, boolean alertsWired, String findingsSvg,
      String issuanceSvg) {}

  record Identities(Frame frame, String risk, List<EstateReads.IdentityRow> rows) {}

  /** A grant naming the identity, with its use as the decision point recorded it. */
  record GrantUse(String id, String name, String effect, String resource, String actions,
      String lastUsed, long uses) {}

  record IdentityDetail(Frame frame, Identity identity, List<EstateReads.CodeEntry> code,
      List<Image> images, List<EstateReads.AuditRow> issued, List<GrantUse> grants,
      boolean authz, List<EstateReads.AuditRow> trail, String chainSvg) {}

  record Images(Frame frame, String status, List<Image> rows) {}

  /** A lifecycle move the image can make now. */
  record Move(String action, String label, boolean reasonRequired) {}

  record ImageDetail(Frame frame, Image image, List<String> violations, boolean allowForce,
      List<ImageService.Event> history, List<Move> moves, String done, Error problem) {
    List<Map.Entry<String, Integer>> counts(ReportSummary s) {
      return s == null ? List.of() : List.copyOf(s.counts().entrySet());
    }
  }

  /** A rule found, with the catalog's explanation and fix when the rule is Imprint's. */
  record RuleRow(EstateReads.RuleCount found, String rationale, String remediation) {}

  record Findings(Frame frame, String repository, String severity, List<RuleRow> rows,
      List<String> severities) {}

  record Audit(Frame frame, long size, long start, long prev, long next,
      List<EstateReads.AuditRow> rows, long checkpointSize) {}

  record AuditEntry(Frame frame, InclusionCheck.Result check) {}

  /**
   * The alerts page: the unresolved alerts, and those resolved in the last {@code resolvedDays}
   * days.
   */
  record Alerts(Frame frame, boolean wired, List<AlertFeed.Alert> unresolved,
      List<AlertFeed.Alert> resolved, long resolvedDays) {}
}
