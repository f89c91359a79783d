package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.cli.remote.RemoteOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No command sends the API token over plain HTTP to another host unless told --insecure. */
class InsecureTransportTest {
  private static final String REMOTE = "http://10.20.30.40:7878";
  private static final String REFUSAL = "refusing to send the API token over plain http://"
      + " to 10.20.30.40";
  @TempDir Path tmp;
  Supplier<String> previous;

  @BeforeEach
  void token() {
    previous = RemoteOptions.useTokenSource(() -> "imp_0123456789abcdef_"
        + "A".repeat(43));
  }

  @AfterEach
  void restore() {
    RemoteOptions.useTokenSource(previous);
  }

  @Test
  void everyRemoteCommandRefusesPlainHttpToAnotherHostWithExitTwo() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("Dockerfile"), "FROM ubuntu:latest\n");
    List<List<String>> commands = List.of(
        List.of("token", "list"),
        List.of("token", "create", "--role", "auditor"),
        List.of("identity", "list"),
        List.of("image", "list"),
        List.of("audit", "tail"),
        List.of("inventory", "--remote"),
        List.of("scan", src.toString(), "--upload", "--repository", "acme/p", "--commit",
            "abcdef1"));
    int checked = 0;
    for (List<String> command : commands) {
      List<String> args = new java.util.ArrayList<>(command);
      args.addAll(List.of("--server", REMOTE));
      Cli r = Cli.run(args.toArray(String[]::new));
      assertThat(r.code()).as("%s: %s", command, r.err()).isEqualTo(Main.USAGE);
      assertThat(r.err()).as("%s", command).contains(REFUSAL).contains("--insecure");
      assertThat(r.out()).as("%s printed nothing, not even a scan", command).isEmpty();
      checked++;
    }
    assertThat(checked).isEqualTo(commands.size());
  }

  @Test
  void loopbackAndHttpsAreAllowedAndInsecureLetsThePlainRequestGo() {
    for (String server : List.of("http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1",
        "http://127.9.8.7:1")) {
      Cli r = Cli.run("token", "list", "--server", server);
      assertThat(r.code()).as("%s: %s", server, r.err()).isEqualTo(4);
    }
    Cli insecure = Cli.run("token", "list", "--server", "http://127.0.0.1.invalid:1",
        "--insecure");
    assertThat(insecure.err()).doesNotContain("refusing to send");
    assertThat(insecure.code()).isEqualTo(4);
    Cli name = Cli.run("token", "list", "--server", "http://127.0.0.1.invalid:1");
    assertThat(name.code()).isEqualTo(Main.USAGE);
    assertThat(name.err()).contains("refusing to send");
  }
}
