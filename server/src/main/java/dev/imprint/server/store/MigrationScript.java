package dev.imprint.server.store;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.resolver.ChecksumCalculator;

/**
 * One of this build's migration scripts ({@code db/migration/V*.sql} on the class path), read
 * for Flyway's own checksum of it ({@link ChecksumCalculator}), without Flyway's set-up.
 */
final class MigrationScript extends LoadableResource {
  private static final String LOCATION = "db/migration/";
  private static final Pattern NAME = Pattern.compile("V[0-9]+__[a-z0-9_]+\\.sql");
  private final String name;

  private MigrationScript(String name) {
    this.name = name;
  }

  /**
   * Whether {@code script} (a file name from the schema history) is one this build carries and
   * its checksum now is {@code recorded}.
   */
  static boolean checksumMatches(String script, int recorded) {
    if (script == null || !NAME.matcher(script).matches()
        || MigrationScript.class.getClassLoader().getResource(LOCATION + script) == null) {
      return false;
    }
    return ChecksumCalculator.calculate(new MigrationScript(script)) == recorded;
  }

  @Override
  public Reader read() {
    InputStream in = MigrationScript.class.getClassLoader().getResourceAsStream(LOCATION + name);
    if (in == null) {
      throw new IllegalStateException("the migration script " + LOCATION + name + " is gone");
    }
    return new InputStreamReader(in, StandardCharsets.UTF_8);
  }

  @Override
  public String getAbsolutePath() {
    return LOCATION + name;
  }

  @Override
  public String getAbsolutePathOnDisk() {
    return LOCATION + name;
  }

  @Override
  public String getFilename() {
    return name;
  }

  @Override
  public String getRelativePath() {
    return name;
  }
}
