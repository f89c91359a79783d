package dev.imprint.server.image;

import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.text.FreeText;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An image registered by digest: the identity it carries, where it came from, what its scans
 * found, who supplied each of those, and where it is in its lifecycle.
 */
public record Image(String digest, String repository, String tag, String identityId,
    String spiffeId, Provenance provenance, ReportSummary scan, ReportSummary vulnerabilities,
    Status status, Instant registeredAt, String registeredBy, Instant updatedAt,
    Instant deployedAt, Suppliers suppliers) {
  public Image {
    suppliers = suppliers == null ? Suppliers.UNRECORDED : suppliers;
  }

  /** The same image moved to {@code to} at {@code at}, first deployed at {@code deployed}. */
  Image moved(Status to, Instant at, Instant deployed) {
    return new Image(digest, repository, tag, identityId, spiffeId, provenance, scan,
        vulnerabilities, to, registeredAt, registeredBy, at, deployed, suppliers);
  }

  /**
   * Who supplied a report or the provenance: the caller's token as the audit log names it
   * ({@code token:<id>}), its role, and the SPIFFE ID of the identity it is bound to (null when
   * unbound).
   */
  public record Supplier(String token, String role, String identity) {}

  /**
   * Who supplied each part of a registration; a part that is absent has no supplier, and so
   * has every part of an image registered before suppliers were recorded.
   */
  public record Suppliers(Supplier scanReport, Supplier vulnerabilityReport,
      Supplier provenance) {
    /** Nothing recorded. */
    public static final Suppliers UNRECORDED = new Suppliers(null, null, null);
  }

  /** Lifecycle states: {@code registered -> approved | rejected -> deployed -> retired}. */
  public enum Status {
    REGISTERED, APPROVED, REJECTED, DEPLOYED, RETIRED;

    /** Lower-case wire name. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, or a 400 problem listing the states. */
    public static Status parse(String s) {
      for (Status v : values()) {
        if (v.wire().equals(s)) {
          return v;
        }
      }
      throw ApiProblem.badRequest("image.status_invalid", "expected status to be one of "
          + Arrays.stream(values()).map(Status::wire).collect(Collectors.joining(", "))
          + ", got '" + FreeText.printable(s) + "'");
    }
  }

  /** Where the image was built from; any field may be null. */
  public record Provenance(String sourceRepository, String commit, String pipelineRun,
      String builder) {
    /** No provenance at all. */
    public static final Provenance NONE = new Provenance(null, null, null, null);

    /** True when any field is given. */
    public boolean present() {
      return sourceRepository != null || commit != null || pipelineRun != null
          || builder != null;
    }
  }
}
