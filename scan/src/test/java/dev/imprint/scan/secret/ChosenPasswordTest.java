package dev.imprint.scan.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Passwords people choose are letters, digits or both and rarely look random: a quoted literal
 * bound in program source to a name that holds nothing but a credential ({@code DB_PASSWORD},
 * {@code passwd}, {@code pwd}, {@code passphrase}) is reported whatever its character classes,
 * while the identifier-shaped values real code binds to such names (key names, form-field
 * names, env variable names, translated labels, fixtures of tests) are not.
 */
class ChosenPasswordTest {
  static List<Finding> secrets(String path, String text) {
    return Scanner.create(ScanSettings.defaults().withThreads(1))
        .scanSources(List.of(SourceFile.of(path, text))).findings().stream()
        .filter(f -> f.ruleId().equals("IMP-SECRET-033")).toList();
  }

  @Test
  void lettersOnlyAndLettersAndDigitsPasswordsInSourceAreFound() {
    String[][] cases = {
      {"app/settings.py", "DB_PASSWORD = \"correcthorsebattery\"\n"},
      {"src/main/java/shop/Db.java",
          "class Db {\n  static final String DB_PWD = \"trainres\";\n}\n"},
      {"src/db.js", "const pool = new Pool({ user: 'shop', password: 'pizzeria42' });\n"},
      {"cmd/main.go", "var cfg = Config{Host: \"db\", Passwd: \"bluewhale\"}\n"},
      {"scripts/load.py", "conn = connect(host=\"db\", user=\"etl\", passwd=\"etl2024load\")\n"},
      {"app/Mail.kt", "val smtpPassword = \"wxyz abcd qrst lmno\"\n"},
      {"src/seed.ts", "export const ADMIN_PASSWORD = \"483920\";\n"},
      {"src/db.c", "if (!lbDMFPasswd) lbDMFPasswd = \"trainres\";\n"},
    };
    for (String[] c : cases) {
      List<Finding> found = secrets(c[0], c[1]);
      assertThat(found).as("%s: %s", c[0], c[1]).singleElement()
          .satisfies(f -> assertThat(f.secret().redacted()).doesNotContain("horse"));
    }
  }

  @Test
  void identifierShapedValuesBoundToPasswordNamesAreNotPasswords() {
    String[][] cases = {
      {"src/main/java/shop/Keys.java",
          "class Keys {\n  static final String DATABASE_PASSWORD = \"database.password\";\n"
              + "  static final String PASSWORD = \"PASSWORD\";\n"
              + "  static final String LDAP_PASSWORD = \"userPassword\";\n"
              + "  static final String ENV_PASSWORD = \"DB_PASSWORD\";\n}\n"},
      {"tests/pages/login.py", "name_passwd = \"txtPassword\"\n"},
      {"src/i18n/de.js", "export default { password: \"Passwort\", passphrase: \"Kennwort\" };\n"},
      {"src/model.py", "KEY_DB_PASSPHRASE = \"db_passphrase\"\nPASSWORD = \"user-password\"\n"},
      {"src/form.ts", "const state = { password: \"\", confirmPassword: \"password\" };\n"},
      {"src/auth.ts", "const password = \"hidden\";\nconst pwd = \"prompt\";\n"},
      {"src/fixtures.py", "DEMO_PASSWORD = \"demo1234\"\nTEST_PASSWORD = \"password123\"\n"
          + "user_password = \"testpassword123\"\nlong_password = \"verylongpasswordtoday\"\n"},
      {"src/conf.js", "lines.push('passphrase = \"env:KEYS_PASSPHRASE\"');\n"},
      {"src/app.py", "password = \"abc\"\npassword = \"/run/secrets/db\"\n"},
      {"README.md", "Set `password = \"correcthorsebattery\"` in your settings.\n"},
    };
    for (String[] c : cases) {
      assertThat(secrets(c[0], c[1])).as("%s: %s", c[0], c[1]).isEmpty();
    }
  }

  @Test
  void passwordsChosenForTestsAreFixturesButGeneratedOnesAreNot() {
    assertThat(secrets("tests/test_login.py", "PASSWORD = \"hunterbluewhale\"\n")).isEmpty();
    assertThat(secrets("src/test/java/shop/LoginTest.java",
        "class LoginTest {\n  String password = \"pizzeria42\";\n}\n")).isEmpty();
    assertThat(secrets("web/login.spec.ts", "const password = 'pizzeria42';\n")).isEmpty();
    assertThat(secrets("src/test/java/shop/LoginTest.java",
        "class LoginTest {\n  String password = \"q7Z!x9Lm2pR4wT8v\";\n}\n")).hasSize(1);
  }

  @Test
  void testFoldersAreJudgedUnderTheScanTargetNotAboveIt() {
    String py = "DB_PASSWORD = \"bluewhale\"\n";
    assertThat(Scanner.create(ScanSettings.defaults().withThreads(1))
        .scanSources(List.of(SourceFile.of("work/tests/shop", "work/tests/shop/app/db.py", py)))
        .findings()).extracting(Finding::ruleId).containsExactly("IMP-SECRET-033");
    assertThat(Scanner.create(ScanSettings.defaults().withThreads(1))
        .scanSources(List.of(SourceFile.of("shop", "shop/tests/db.py", py)))
        .findings()).isEmpty();
  }

  @Test
  void namesThatAlsoHoldSettingsStillNeedAGeneratedValue() {
    assertThat(secrets("src/app.py", "ACCESS_TOKEN = \"minutes\"\nsecret_key = \"abcdefgh\"\n"))
        .isEmpty();
  }
}
