package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails every test during which Imprint diagnosed an internal error (a bug a reader, analyzer or
 * extractor hit), unless the test says it expects one: a bug must never pass as a diagnostic.
 * Registered for every test of the module through {@code META-INF/services} and
 * {@code junit-platform.properties}.
 */
public final class InternalErrorGuard implements BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(InternalErrorGuard.class);

  /** Marks a test that provokes an internal error on purpose (it asserts on it itself). */
  @Target({ElementType.METHOD, ElementType.TYPE})
  @Retention(RetentionPolicy.RUNTIME)
  public @interface Expected {}

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getStore(NS).put("before", InternalErrors.count());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (expected(context)) {
      return;
    }
    long before = context.getStore(NS).get("before", Long.class);
    assertThat(InternalErrors.count() - before)
        .as("internal errors Imprint diagnosed during %s (a bug, see the report's"
            + " internal_error diagnostics)", context.getDisplayName())
        .isZero();
  }

  private static boolean expected(ExtensionContext context) {
    return context.getRequiredTestMethod().isAnnotationPresent(Expected.class)
        || context.getRequiredTestClass().isAnnotationPresent(Expected.class);
  }
}
