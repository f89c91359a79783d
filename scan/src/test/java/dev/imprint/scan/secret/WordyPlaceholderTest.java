package dev.imprint.scan.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A value spelled from the words that name a placeholder or the secret's own kind, with at most
 * a counting run of digits ({@code DemoPassPhrase123456}, {@code MySecretKey2024}), is a label a
 * person typed for a demo, not a generated secret: its capitals and digits do not make it random.
 */
class WordyPlaceholderTest {
  private static List<Finding> secrets(String path, String text) {
    return Scanner.create(ScanSettings.defaults().withThreads(1))
        .scanSources(List.of(SourceFile.of(path, text))).findings().stream()
        .filter(f -> f.ruleId().startsWith("IMP-SECRET-")).toList();
  }

  @Test
  void demoValuesSpelledFromKindWordsAreNotSecrets() {
    assertThat(secrets("demos/Api/Program.cs",
        "builder.AddHeadlessApi(encryption =>\n{\n"
            + "    encryption.DefaultPassPhrase = \"DemoPassPhrase123456\";\n"
            + "    encryption.InitVectorBytes = \"DemoIV0123456789\"u8.ToArray();\n});\n"))
        .isEmpty();
    assertThat(secrets("src/config.ts", "export const apiSecret = \"MySecretKey2024\";\n"
        + "export const jwtSecret = \"SuperSecretToken_123\";\n")).isEmpty();
  }

  @Test
  void valuesWithAnyOtherWordOrRandomDigitsAreStillSecrets() {
    assertThat(secrets("src/config.ts", "export const apiSecret = \"DemoKey8f3kQ29xLw\";\n"))
        .hasSize(1);
    assertThat(secrets("src/config.ts", "export const apiToken = \"PassPhrase73k9Qz81\";\n"))
        .hasSize(1);
    assertThat(Secrets.isWordyPlaceholder("DemoSecret1111")).isTrue();
    assertThat(Secrets.isWordyPlaceholder("DemoSecret7391")).isFalse();
    assertThat(Secrets.isWordyPlaceholder("Secret123")).isFalse();
  }
}
