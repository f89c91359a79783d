package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the key of secret fingerprints comes from (--fingerprint-key-file, then
 * IMPRINT_FINGERPRINT_KEY, then fingerprint-key-file in .imprint.yaml, else random per run), and
 * {@code imprint baseline migrate} on a baseline that Imprint 0.1 itself wrote.
 */
class FingerprintKeyCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String SECRET = "Zx81kLq0PmW92vTr";
  private static final String KEY = "0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final Path V1 = Path.of("src/test/resources/baseline-v1");

  @TempDir
  Path tmp;
  Path repo;
  UnaryOperator<String> saved;

  @BeforeEach
  void repo() throws Exception {
    saved = CiEnvironment.source;
    CiEnvironment.source = name -> null;
    repo = Files.createDirectories(tmp.resolve("repo"));
    Files.writeString(repo.resolve("Dockerfile"), "FROM alpine:3.19\nENV DB_PASSWORD=" + SECRET
        + "\n");
  }

  @AfterEach
  void restore() {
    CiEnvironment.source = saved;
  }

  private List<String> secretFingerprints(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("scan", repo.toString(), "--format", "json"));
    args.addAll(List.of(extra));
    Cli r = Cli.run(args.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.out()).doesNotContain(SECRET);
    List<String> out = new ArrayList<>();
    for (JsonNode f : MAPPER.readTree(r.out()).get("findings")) {
      if (f.has("secret")) {
        out.add(f.at("/secret/fingerprint").asText() + " " + f.get("fingerprint").asText());
      }
    }
    assertThat(out).isNotEmpty();
    return out;
  }

  @Test
  void aConfiguredKeyGivesOtherFingerprintsThanTheRandomKeyOfARun()
      throws Exception {
    // The random key is drawn once per process (so CLI runs in this JVM share it); that it
    // differs from any configured key is what keeps unconfigured reports unlinkable.
    Path keyFile = Files.writeString(tmp.resolve("key"), KEY + "\n");
    assertThat(secretFingerprints("--fingerprint-key-file", keyFile.toString()))
        .isNotEqualTo(secretFingerprints());
  }

  @Test
  void theKeyFileTheEnvironmentAndTheConfigGiveTheSameStableFingerprints() throws Exception {
    Path keyFile = Files.writeString(tmp.resolve("key"), KEY + "\n");
    List<String> byOption = secretFingerprints("--fingerprint-key-file", keyFile.toString());
    CiEnvironment.source = Map.of(FingerprintKeys.ENV, KEY)::get;
    assertThat(secretFingerprints()).isEqualTo(byOption);
    CiEnvironment.source = name -> null;
    Files.writeString(repo.resolve(".imprint.yaml"), "fingerprint-key-file: ../key\n");
    assertThat(secretFingerprints()).isEqualTo(byOption);
  }

  @Test
  void theOptionWinsOverTheEnvironment() throws Exception {
    Path keyFile = Files.writeString(tmp.resolve("key"), KEY);
    List<String> byOption = secretFingerprints("--fingerprint-key-file", keyFile.toString());
    CiEnvironment.source = Map.of(FingerprintKeys.ENV, "z".repeat(40))::get;
    assertThat(secretFingerprints("--fingerprint-key-file", keyFile.toString()))
        .isEqualTo(byOption);
    assertThat(secretFingerprints()).isNotEqualTo(byOption);
  }

  @Test
  void aBadKeyIsAUsageErrorThatNamesItsSource() throws Exception {
    Path shortKey = Files.writeString(tmp.resolve("short"), "abc");
    Cli r = Cli.run("scan", repo.toString(), "--fingerprint-key-file", shortKey.toString());
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("--fingerprint-key-file").contains("at least 32");
    r = Cli.run("scan", repo.toString(), "--fingerprint-key-file", tmp.resolve("no").toString());
    assertThat(r.err()).contains("cannot read").contains("NoSuchFileException");
    Files.writeString(repo.resolve(".imprint.yaml"), "\nfingerprint-key-file: missing.key\n");
    r = Cli.run("scan", repo.toString());
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains(".imprint.yaml:2: fingerprint-key-file: cannot read");
    Files.delete(repo.resolve(".imprint.yaml"));
    CiEnvironment.source = Map.of(FingerprintKeys.ENV, "short")::get;
    r = Cli.run("scan", repo.toString());
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("IMPRINT_FINGERPRINT_KEY: a fingerprint key needs at least 32");
  }

  @Test
  void inventoryIdsUseTheSameKey() throws Exception {
    Path keyFile = Files.writeString(tmp.resolve("key"), KEY);
    String scan = secretFingerprints("--fingerprint-key-file", keyFile.toString()).get(0)
        .split(" ")[0];
    Cli inv = Cli.run("inventory", repo.toString(), "--format", "json",
        "--fingerprint-key-file", keyFile.toString());
    assertThat(inv.code()).as(inv.err()).isZero();
    assertThat(inv.out()).contains("\"secret:" + scan + "\"").doesNotContain(SECRET);
  }

  @Test
  void aBaselineOfImprint01KeepsWorkingAndMigrateRewritesIt() throws Exception {
    Path old = Files.copy(V1.resolve("baseline-0.1.json"), tmp.resolve("baseline.json"));
    Path code = V1.resolve("repo");
    Cli before = Cli.run("scan", code.toString(), "--baseline", old.toString(), "--format",
        "json");
    assertThat(before.err()).contains("schemaVersion 1").contains("imprint baseline migrate");
    List<String> left = new ArrayList<>();
    for (JsonNode f : MAPPER.readTree(before.out()).get("findings")) {
      left.add(f.get("ruleId").asText());
    }
    assertThat(left).doesNotContain("IMP-DOCKER-005", "IMP-SECRET-033", "IMP-K8S-005");

    Cli migrate = Cli.run("baseline", "migrate", old.toString(), code.toString());
    assertThat(migrate.code()).as(migrate.err()).isZero();
    assertThat(migrate.err()).containsPattern("wrote \\d+ entries to .*\\(schemaVersion 2\\): "
        + "[1-9]\\d* rewritten, \\d+ unchanged, 0 dropped");
    String rewritten = Files.readString(old);
    assertThat(rewritten).contains("\"schemaVersion\" : 2").doesNotContain(SECRET);

    Cli after = Cli.run("scan", code.toString(), "--baseline", old.toString(), "--format",
        "json");
    assertThat(after.err()).doesNotContain("schemaVersion 1");
    List<String> stillLeft = new ArrayList<>();
    for (JsonNode f : MAPPER.readTree(after.out()).get("findings")) {
      stillLeft.add(f.get("ruleId").asText());
    }
    assertThat(stillLeft).containsExactlyInAnyOrderElementsOf(left);
  }

  @Test
  void migrateWritesElsewhereWithOutputAndRefusesAMissingBaseline() throws Exception {
    Path old = V1.resolve("baseline-0.1.json");
    Path out = tmp.resolve("new.json");
    Cli r = Cli.run("baseline", "migrate", old.toString(), V1.resolve("repo").toString(),
        "--output", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(out)).contains("\"schemaVersion\" : 2");
    assertThat(Files.readString(old)).contains("\"schemaVersion\" : 1");
    Cli missing = Cli.run("baseline", "migrate", tmp.resolve("none.json").toString());
    assertThat(missing.code()).isEqualTo(Main.USAGE);
    assertThat(missing.err()).contains("cannot read baseline");
  }
}
