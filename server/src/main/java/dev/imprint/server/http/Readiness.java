package dev.imprint.server.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Whether the server should receive traffic, and if not, why: {@code /readyz} answers 200 while
 * no condition fails and 503 with every failing condition's stable code and detail otherwise.
 *
 * <p>Components either hold a condition ({@link #fail} until {@link #clear}) or register a
 * {@link #addCheck check} that is asked on each probe. Checks must answer at once from state
 * the component already has: a probe never waits for the store.
 */
public final class Readiness {
  /** One reason the server is not ready: a stable code and what was found. */
  public record Failure(String code, String detail) {
    public Failure {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(detail, "detail");
    }
  }

  private final Map<String, Failure> held = new ConcurrentHashMap<>();
  private final List<Supplier<Optional<Failure>>> checks = new CopyOnWriteArrayList<>();

  /** Marks the server not ready for {@code condition} until {@link #clear} is called for it. */
  public void fail(String condition, Failure failure) {
    held.put(Objects.requireNonNull(condition, "condition"),
        Objects.requireNonNull(failure, "failure"));
  }

  /** Ends a condition set by {@link #fail}; a no-op when it does not hold. */
  public void clear(String condition) {
    held.remove(condition);
  }

  /** Adds a check asked on every probe; it must answer without blocking. */
  public void addCheck(Supplier<Optional<Failure>> check) {
    checks.add(Objects.requireNonNull(check, "check"));
  }

  /** Every failing condition now, held ones first, in no further order; empty when ready. */
  public List<Failure> failures() {
    List<Failure> out = new ArrayList<>(held.values());
    for (Supplier<Optional<Failure>> c : checks) {
      c.get().ifPresent(out::add);
    }
    return out;
  }
}
