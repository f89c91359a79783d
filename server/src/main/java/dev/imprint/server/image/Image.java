package dev.imprint.server.image;

import dev.imprint.server.http.ApiProblem;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An image registered by digest: the identity it carries, where it came from, what its scans
 * found and where it is in its lifecycle.
 */
public record Image(String digest, String repository, String tag, String identityId,
    String spiffeId, Provenance provenance, ReportSummary scan, ReportSummary vulnerabilities,
    Status status, Instant registeredAt, String registeredBy, Instant updatedAt,
    Instant deployedAt) {

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
          + ", got '" + s + "'");
    }
  }

  /** Where the image was built from; any field may be null. */
  public record Provenance(String sourceRepository, String commit, String pipelineRun,
      String builder) {
    /** No provenance at all. */
    public static final Provenance NONE = new Provenance(null, null, null, null);
  }
}
