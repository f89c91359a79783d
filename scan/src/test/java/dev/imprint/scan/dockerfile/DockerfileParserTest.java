package dev.imprint.scan.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

class DockerfileParserTest {

  private static Dockerfile parse(String text) {
    return DockerfileParser.parse(SourceFile.of("Dockerfile", text));
  }

  @Test
  void everyInstructionHasItsExactLineAndColumn() {
    Dockerfile df = parse("# comment\nFROM alpine:3.20 AS base\n\n  RUN echo hi \\\n"
        + "  # inside\n    && echo there\nUSER app\n");
    assertThat(df.instructions()).extracting(i -> i.keyword() + "@" + i.line() + ":"
        + i.column() + "-" + i.endLine())
        .containsExactly("FROM@2:1-2", "RUN@4:3-6", "USER@7:1-7");
    Instruction run = df.instructions().get(1);
    assertThat(run.arguments()).isEqualTo("echo hi     && echo there");
    int at = run.arguments().indexOf("&&");
    assertThat(run.position(at)).containsExactly(6, 5);
    assertThat(df.stages()).hasSize(1);
    assertThat(df.stages().get(0).name()).isEqualTo("base");
  }

  @Test
  void escapeDirectiveSwitchesContinuationToBacktick() {
    Dockerfile df = parse("# escape=`\n# syntax=docker/dockerfile:1\nFROM mcr.microsoft.com/"
        + "windows/servercore:ltsc2022\nRUN dir `\n  C:\\\\\nCOPY a.txt C:\\app\\\n");
    assertThat(df.escape()).isEqualTo('`');
    assertThat(df.syntax()).isEqualTo("docker/dockerfile:1");
    assertThat(df.instructions()).extracting(Instruction::keyword)
        .containsExactly("FROM", "RUN", "COPY");
    assertThat(df.instructions().get(1).arguments()).isEqualTo("dir   C:\\\\");
    assertThat(df.instructions().get(2).words()).containsExactly("a.txt", "C:\\app\\");
  }

  @Test
  void directiveAfterAnInstructionIsAComment() {
    Dockerfile df = parse("FROM alpine:3.20\n# escape=`\nRUN a \\\n b\n");
    assertThat(df.escape()).isEqualTo('\\');
    assertThat(df.instructions().get(1).arguments()).isEqualTo("a  b");
  }

  @Test
  void heredocsAreReadWithTheirBodiesAndLines() {
    Dockerfile df = parse("FROM alpine:3.20\nRUN <<EOF\napk add curl\necho done\nEOF\n"
        + "COPY <<-'CONF' /etc/app.conf\n\tkey=value\n\tCONF\nRUN <<A cat > /x && <<\"B\" sh\n"
        + "one\nA\ntwo\nB\nUSER app\n");
    List<Instruction> ins = df.instructions();
    assertThat(ins).extracting(Instruction::keyword)
        .containsExactly("FROM", "RUN", "COPY", "RUN", "USER");
    Heredoc run = ins.get(1).heredocs().get(0);
    assertThat(run.delimiter()).isEqualTo("EOF");
    assertThat(run.line()).isEqualTo(3);
    assertThat(run.body()).isEqualTo("apk add curl\necho done\n");
    Heredoc conf = ins.get(2).heredocs().get(0);
    assertThat(conf.quoted()).isTrue();
    assertThat(conf.stripTabs()).isTrue();
    assertThat(conf.body()).isEqualTo("key=value\n");
    assertThat(ins.get(3).heredocs()).extracting(Heredoc::body).containsExactly("one\n", "two\n");
    assertThat(ins.get(4).line()).isEqualTo(14);
    assertThat(df.diagnostics()).isEmpty();
  }

  @Test
  void unterminatedHeredocIsADiagnosticWithItsLine() {
    Dockerfile df = parse("FROM alpine:3.20\nRUN <<EOF\necho never ends\n");
    assertThat(df.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(Diagnostic.Kind.PARSE_ERROR);
      assertThat(d.location().line()).isEqualTo(2);
      assertThat(d.message()).contains("not terminated").contains("EOF");
    });
  }

  @Test
  void globalArgsAndStageEnvAreSubstituted() {
    Dockerfile df = parse("ARG REGISTRY=ghcr.io/acme\nARG TAG\nARG V=1.2\n"
        + "FROM ${REGISTRY}/app:${V:-0} AS build\nFROM ${REGISTRY}/app:${TAG}\n"
        + "FROM alpine:${TAG:-3.20}\nARG V\nENV HOME_DIR=/home/$V B=\"x y\" C=${MISSING:+set}\n"
        + "USER ${V}:${UNSET:-app}\n");
    assertThat(df.globalArgs()).hasSize(3);
    assertThat(df.stages()).extracting(Stage::image)
        .containsExactly("ghcr.io/acme/app:1.2", "ghcr.io/acme/app:", "alpine:3.20");
    assertThat(df.stages()).extracting(Stage::resolved).containsExactly(true, false, true);
    Stage last = df.stages().get(2);
    Instruction env = last.instructions().get(1);
    assertThat(env.pairs()).extracting(kv -> kv.key() + "=" + kv.value())
        .containsExactly("HOME_DIR=/home/1.2", "B=x y", "C=");
    assertThat(last.instructions().get(2).words()).containsExactly("1.2:app");
  }

  @Test
  void legacyEnvFormKeepsTheWholeValue() {
    Instruction env = parse("FROM a:1\nENV GREETING hello world\n").instructions().get(1);
    assertThat(env.pairs()).singleElement().satisfies(kv -> {
      assertThat(kv.key()).isEqualTo("GREETING");
      assertThat(kv.value()).isEqualTo("hello world");
      assertThat(kv.line()).isEqualTo(2);
      assertThat(kv.column()).isEqualTo(5);
    });
  }

  @Test
  void jsonFormIsParsedAndBadJsonIsADiagnostic() {
    Dockerfile df = parse("FROM a:1\nCMD [\"node\", \"server.js\"]\nENTRYPOINT [\"sh\", -c]\n");
    assertThat(df.instructions().get(1).isExecForm()).isTrue();
    assertThat(df.instructions().get(1).execForm()).containsExactly("node", "server.js");
    assertThat(df.instructions().get(2).isExecForm()).isFalse();
    assertThat(df.diagnostics()).singleElement()
        .satisfies(d -> assertThat(d.location().line()).isEqualTo(3));
  }

  @Test
  void flagsAreSeparatedFromArguments() {
    Dockerfile df = parse("FROM --platform=$BUILDPLATFORM golang:1.22 AS b\n"
        + "RUN --mount=type=secret,id=npm --mount=type=cache,target=/root/.npm npm ci\n"
        + "COPY --from=b --chown=1:1 /out /app\n");
    assertThat(df.stages().get(0).image()).isEqualTo("golang:1.22");
    Instruction run = df.instructions().get(1);
    assertThat(run.flagValues("mount")).hasSize(2);
    assertThat(run.arguments()).isEqualTo("npm ci");
    assertThat(df.instructions().get(2).flag("from")).contains("b");
  }

  @Test
  void onbuildKeepsItsTrigger() {
    Instruction on = parse("FROM a:1\nONBUILD RUN curl -k https://x\n").instructions().get(1);
    assertThat(on.trigger().keyword()).isEqualTo("RUN");
    assertThat(on.trigger().arguments()).isEqualTo("curl -k https://x");
  }

  @Test
  void malformedInputBecomesDiagnosticsNotExceptions() {
    assertThat(parse("").diagnostics()).isNotEmpty();
    assertThat(parse("FORM alpine\n").diagnostics()).first()
        .satisfies(d -> assertThat(d.message()).contains("unknown instruction"));
    assertThat(parse("RUN echo\n").diagnostics()).isNotEmpty();
    assertThat(parse("FROM a\nRUN x \\").instructions()).hasSize(2);
    assertThat(parse("FROM a\nENV =x\nARG\nSHELL sh\nEXPOSE\n").diagnostics()).hasSize(3);
  }

  @Test
  void hostileInputIsBounded() {
    String longLine = "FROM a\nRUN " + "x".repeat(DockerfileParser.MAX_INSTRUCTION_CHARS) + " \\\n"
        + "y\n";
    Dockerfile df = parse(longLine);
    assertThat(df.diagnostics()).anyMatch(d -> d.message().contains("longer than"));
    String nested = "FROM a:${X:-" + "${Y:-".repeat(5000) + "z" + "}".repeat(5001) + "\n";
    assertThat(parse(nested).stages()).hasSize(1);
    String heredoc = "FROM a\nRUN <<EOF\n" + "line\n".repeat(300_000) + "EOF\n";
    assertThat(parse(heredoc).diagnostics()).anyMatch(d -> d.message().contains("longer than"));
  }
}
