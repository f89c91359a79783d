package dev.imprint.server.auth;

import dev.imprint.server.text.FreeText;
import io.javalin.security.RouteRole;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a bearer token may do; each route names the roles it admits. */
public enum Role implements RouteRole {
  /** Everything, including tokens. */
  ADMIN,
  /** Registers images and uploads findings from CI. */
  PIPELINE,
  /** Reads everything, changes nothing. */
  AUDITOR,
  /** A workload asking for credentials or decisions about itself. */
  WORKLOAD,
  /** The Kubernetes API server calling the admission webhooks. */
  ADMISSION;

  /** The role for a lower-case name such as {@code pipeline}. */
  public static Role parse(String name) {
    for (Role r : values()) {
      if (r.wire().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role '" + FreeText.printable(String.valueOf(name))
        + "'; expected one of "
        + Arrays.stream(values()).map(Role::wire).collect(Collectors.joining(", ")));
  }

  /** The lower-case name used on the wire. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
