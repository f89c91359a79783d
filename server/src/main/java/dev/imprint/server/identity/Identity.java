package dev.imprint.server.identity;

import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.text.FreeText;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A non-human identity: its SPIFFE ID (and the short stable {@code id} derived from it), kind,
 * owner, environment, labels, status and the source repositories it is linked to (whose findings
 * a pipeline token bound to it may upload), in name order.
 */
public record Identity(String id, String spiffeId, Kind kind, String owner, String environment,
    String description, Map<String, String> labels, Status status, Instant createdAt,
    Instant updatedAt, Instant lastSeenAt, List<String> repositories) {

  /** What sort of non-human identity this is. */
  public enum Kind {
    WORKLOAD, PIPELINE, BOT, INTEGRATION;

    /** Lower-case wire name. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, or a 400 problem listing the kinds. */
    public static Kind parse(String s) {
      return parseEnum(Kind.class, values(), s, "identity.kind_invalid", "kind");
    }
  }

  /** Where the identity is in its life; offboarded is terminal. */
  public enum Status {
    ACTIVE, DISABLED, OFFBOARDED;

    /** Lower-case wire name. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, or a 400 problem listing the statuses. */
    public static Status parse(String s) {
      return parseEnum(Status.class, values(), s, "identity.status_invalid", "status");
    }
  }

  public Identity {
    labels = Map.copyOf(labels);
    repositories = List.copyOf(repositories);
  }

  static <E extends Enum<E>> E parseEnum(Class<E> type, E[] values, String s, String code,
      String field) {
    for (E e : values) {
      if (e.name().toLowerCase(Locale.ROOT).equals(s)) {
        return e;
      }
    }
    throw ApiProblem.badRequest(code, "expected " + field + " to be one of "
        + Arrays.stream(values).map(e -> e.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(", ")) + ", got "
            + (s == null ? "none" : "'" + FreeText.printable(s) + "'"));
  }
}
