package dev.imprint.scan;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a bug caught at a component boundary (a reader, an analyzer, an extractor) into an
 * {@link Diagnostic.Kind#INTERNAL_ERROR} that names the file and the component, and counts it.
 * Malformed input never comes here: readers throw their own exception type for it and report a
 * located {@link Diagnostic.Kind#PARSE_ERROR}. The message holds the exception's class and the
 * top frame of Imprint's code, never the exception's message, which may quote a secret.
 */
public final class InternalErrors {
  private static final AtomicLong COUNT = new AtomicLong();

  private InternalErrors() {}

  /** The diagnostic for a bug {@code component} hit on the file at {@code path}. */
  public static Diagnostic diagnose(String path, String component, Throwable bug) {
    COUNT.incrementAndGet();
    return new Diagnostic(Location.of(path, 0), Diagnostic.Kind.INTERNAL_ERROR,
        "internal error: the " + component + " failed on this file (" + describe(bug)
            + "). This is a bug in Imprint, not a problem with the file; other readers still"
            + " ran. Please report it.");
  }

  /**
   * How many internal errors this JVM has diagnosed: the test suites fail any test during which
   * it grows, so a bug can never pass as a diagnostic.
   */
  public static long count() {
    return COUNT.get();
  }

  private static String describe(Throwable bug) {
    String name = bug.getClass().getSimpleName();
    for (StackTraceElement e : bug.getStackTrace()) {
      if (e.getClassName().startsWith("dev.imprint.")) {
        String cls = e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1);
        return name + " at " + cls + "." + e.getMethodName() + ":" + e.getLineNumber();
      }
    }
    return name;
  }
}
