package dev.imprint.scan.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.SourceFile;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ComposeReaderTest {

  @Test
  void recognisesComposeFilesByName() {
    assertThat(ComposeReader.isComposeName("docker-compose.yml")).isTrue();
    assertThat(ComposeReader.isComposeName("docker-compose.prod.yaml")).isTrue();
    assertThat(ComposeReader.isComposeName("compose.yaml")).isTrue();
    assertThat(ComposeReader.isComposeName("compose-dev.yml")).isTrue();
    assertThat(ComposeReader.isComposeName("composer.yml")).isFalse();
    assertThat(ComposeReader.isComposeName("values.yaml")).isFalse();
  }

  @Test
  void recognisesComposeByContentAndGivesExactServiceLines() {
    String text = "# stack\nservices:\n  web:\n    image: nginx:1.27\n  api:\n    build: .\n";
    ComposeFile file = ComposeReader.read(SourceFile.of("stack.yml", text)).orElseThrow().file();
    assertThat(file.services()).extracting(ComposeService::name).containsExactly("web", "api");
    ComposeService web = file.services().get(0);
    assertThat(web.line()).isEqualTo(3);
    assertThat(web.column()).isEqualTo(3);
    assertThat(web.image()).isEqualTo("nginx:1.27");
    assertThat(file.services().get(1).hasBuild()).isTrue();
    assertThat(file.services().get(1).image()).isNull();
  }

  @Test
  void ignoresOtherYamlWithoutDiagnostics() {
    String k8s = "apiVersion: v1\nkind: Pod\nservices:\n  web:\n    image: x\n";
    assertThat(ComposeReader.read(SourceFile.of("pod.yaml", k8s))).isEmpty();
    String gitlab = "services:\n  - postgres:16\njob:\n  script: [make]\n";
    assertThat(ComposeReader.read(SourceFile.of(".gitlab-ci.yml", gitlab))).isEmpty();
    assertThat(ComposeReader.read(SourceFile.of("broken.yaml", "services: [\n"))).isEmpty();
    assertThat(ComposeReader.read(SourceFile.of("README.md", "services:\n  a:\n    image: x\n")))
        .isEmpty();
  }

  @Test
  void malformedComposeFileIsAParseErrorWithALocation() {
    Optional<ComposeReader.Result> r = ComposeReader.read(
        SourceFile.of("docker-compose.yml", "services:\n  web:\n    image: [nginx\n"));
    assertThat(r).isPresent();
    Diagnostic d = r.get().problem();
    assertThat(d.kind()).isEqualTo(Diagnostic.Kind.PARSE_ERROR);
    assertThat(d.location().line()).isGreaterThan(1);
    assertThat(d.message()).contains("docker-compose");
  }

  @Test
  void composeNamedFileThatIsNotAMapIsAParseError() {
    ComposeReader.Result r = ComposeReader.read(
        SourceFile.of("docker-compose.yml", "- web\n- db\n")).orElseThrow();
    assertThat(r.problem().kind()).isEqualTo(Diagnostic.Kind.PARSE_ERROR);
    assertThat(r.problem().location().line()).isEqualTo(1);
  }

  @Test
  void unquotedPortsKeepTheirTextDespiteYaml11Sexagesimals() {
    ComposeFile file = ComposeReader.read(SourceFile.of("compose.yml",
        "services:\n  a:\n    image: a:1\n    ports:\n      - 8080:80\n")).orElseThrow().file();
    assertThat(file.services().get(0).node().list("ports").get(0).text()).isEqualTo("8080:80");
  }

  @Test
  void shortPortSyntaxWithoutAnAddressIsPublishedEverywhere() {
    assertThat(ComposeAnalyzer.publishesOnAllInterfaces("8080:80")).isTrue();
    assertThat(ComposeAnalyzer.publishesOnAllInterfaces("80")).isTrue();
    assertThat(ComposeAnalyzer.publishesOnAllInterfaces("0.0.0.0:8080:80/udp")).isTrue();
    assertThat(ComposeAnalyzer.publishesOnAllInterfaces("127.0.0.1:8080:80")).isFalse();
    assertThat(ComposeAnalyzer.publishesOnAllInterfaces("[::1]:8080:80")).isFalse();
    assertThat(ComposeAnalyzer.publishesOnAllInterfaces("${BIND}:8080:80")).isFalse();
  }
}
