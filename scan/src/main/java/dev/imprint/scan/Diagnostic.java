package dev.imprint.scan;

import java.util.Objects;

/**
 * A note about the scan itself rather than the scanned code: a file that did not parse, one
 * that was skipped and why, or a bug Imprint hit on a file. Diagnostics never hide the findings
 * of other files.
 *
 * @param location the file (and line and column where known)
 * @param kind what happened
 * @param message a human explanation naming what was expected and what was found
 */
public record Diagnostic(Location location, Kind kind, String message) {

  /** What happened to a file. */
  public enum Kind {
    /** The file was read but did not parse; other readers and secret detection still ran. */
    PARSE_ERROR,
    /** The file was not scanned (binary, too large, not UTF-8, unreadable, a symlink loop). */
    SKIPPED,
    /** A suppression or configuration problem (missing reason, expired ignore, bad config). */
    CONFIG,
    /**
     * A bug in Imprint: a reader or analyzer failed on this file for a reason other than
     * malformed input (see {@link InternalErrors}). The CLI exits with 5 when one occurs.
     */
    INTERNAL_ERROR;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Diagnostic {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return location + ": " + kind.id() + ": " + message;
  }
}
