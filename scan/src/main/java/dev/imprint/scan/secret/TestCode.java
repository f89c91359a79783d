package dev.imprint.scan.secret;

import dev.imprint.scan.SourceFile;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether a file is test code by the layout conventions of the common build tools and test
 * runners: a {@code test}, {@code tests}, {@code __tests__}, {@code spec}, {@code testdata},
 * {@code fixtures} or {@code e2e} folder, or a test file name ({@code test_x.py},
 * {@code x_test.go}, {@code x.spec.ts}, {@code XTest.java}, {@code x_spec.rb}).
 */
final class TestCode {
  private static final Set<String> FOLDERS = Set.of("test", "tests", "__tests__", "spec",
      "specs", "testdata", "test-data", "test_data", "fixtures", "__fixtures__", "e2e",
      "integration-tests", "testing", "cypress", "playwright");
  private static final Pattern LOWER_NAME = Pattern.compile(
      "test_.+\\.py|.+_test\\.(py|go|rb|exs|dart|cc|cpp|c|rs)|conftest\\.py"
          + "|.+\\.(test|spec|e2e|cy)\\.[a-z]+|.+_spec\\.rb");
  /** Class-per-file languages name test classes FooTest, FooTests, FooIT or FooSpec. */
  private static final Pattern CLASS_NAME =
      Pattern.compile(".+(Test|Tests|IT|Spec|TestCase)\\.(java|kt|scala|groovy|cs|swift|php)");

  private TestCode() {}

  /** Documentation folders: the configuration files in them are samples. */
  private static final Set<String> DOCUMENTATION = Set.of("docs", "doc", "documentation");

  /**
   * Whether a file is test code, judged by its path under the scan target it was found in, so
   * that a repository checked out under a folder named {@code tests} is not all test code.
   */
  static boolean contains(SourceFile file) {
    return contains(relative(file));
  }

  /**
   * Whether a password someone chose in this file is an example rather than a credential: the
   * file is test code (a fixture the tests log in with), documentation (a {@code docs} folder)
   * or a locale's translations (a label, {@code password: Passwort}).
   */
  static boolean holdsExamples(SourceFile file) {
    String path = relative(file);
    if (contains(path) || Translations.isLocaleFile(path)) {
      return true;
    }
    String[] parts = path.replace('\\', '/').split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      if (DOCUMENTATION.contains(parts[i].toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static String relative(SourceFile file) {
    String path = file.path();
    String root = file.root();
    if (path.equals(root)) {
      // The scan target is the file itself: no folder of it says anything.
      return file.name();
    }
    if (!root.isEmpty() && !root.equals(".") && path.startsWith(root + "/")) {
      path = path.substring(root.length() + 1);
    }
    return path;
  }

  /** Whether the file at this path, relative to its scan target, is test code. */
  static boolean contains(String path) {
    String[] parts = path.replace('\\', '/').split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      if (FOLDERS.contains(parts[i].toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    String name = parts[parts.length - 1];
    return LOWER_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches()
        || CLASS_NAME.matcher(name).matches();
  }
}
