package dev.imprint.scan.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TfValuesTest {

  private static TfModule module(String main, String... definitions) {
    List<Tf.File> files = new ArrayList<>();
    files.add(TfReader.read(SourceFile.of("infra/main.tf", main)));
    for (int i = 0; i + 1 < definitions.length; i += 2) {
      files.add(TfReader.parseDefinitions(SourceFile.of("infra/" + definitions[i],
          definitions[i + 1])).file());
    }
    return new TfModule(files);
  }

  /** The resolved value of the attribute {@code value} of {@code output "x"}. */
  private static Tf.Value resolved(TfModule m) {
    Tf.Block out = m.blocks().stream().filter(l -> l.block().type().equals("output"))
        .findFirst().orElseThrow().block();
    return m.resolve(out.value("value"));
  }

  @Test
  void variableResolvesToItsDefault() {
    TfModule m = module("""
        variable "env" { default = "prod" }
        output "x" { value = var.env }
        """);
    assertThat(resolved(m).literal()).isEqualTo("prod");
  }

  @Test
  void terraformTfvarsWinsOverTheDefaultAndAutoTfvarsWinsOverTerraformTfvars() {
    String main = """
        variable "env" { default = "prod" }
        output "x" { value = var.env }
        """;
    assertThat(resolved(module(main, "terraform.tfvars", "env = \"staging\"")).literal())
        .isEqualTo("staging");
    assertThat(resolved(module(main, "z.auto.tfvars", "env = \"dev\"",
        "terraform.tfvars", "env = \"staging\"")).literal()).isEqualTo("dev");
  }

  @Test
  void tfvarsFilesTerraformDoesNotLoadByItselfAreIgnored() {
    TfModule m = module("""
        variable "env" { default = "prod" }
        output "x" { value = var.env }
        """, "staging.tfvars", "env = \"staging\"");
    assertThat(resolved(m).literal()).isEqualTo("prod");
  }

  @Test
  void tfvarsValueOfAnUndeclaredVariableIsIgnored() {
    TfModule m = module("""
        output "x" { value = var.env }
        """, "terraform.tfvars", "env = \"staging\"");
    assertThat(resolved(m)).isInstanceOf(Tf.Ref.class);
  }

  @Test
  void variableWithoutDefaultOrTfvarsStaysAReference() {
    TfModule m = module("""
        variable "env" { type = string }
        output "x" { value = var.env }
        """);
    assertThat(resolved(m)).isEqualTo(new Tf.Ref("var.env"));
  }

  @Test
  void localsResolveThroughOtherLocalsVariablesAndKeys() {
    TfModule m = module("""
        variable "env" { default = "prod" }
        locals {
          names = { ci = "${var.env}-ci" }
          first = [local.names.ci, "other"]
        }
        output "x" { value = local.first[0] }
        """);
    assertThat(resolved(m).literal()).isEqualTo("prod-ci");
  }

  @Test
  void templateWithAnUnknownPartStaysATemplate() {
    TfModule m = module("""
        variable "env" { default = "prod" }
        output "x" { value = "${var.env}-${var.missing}" }
        """);
    assertThat(resolved(m)).isInstanceOf(Tf.Str.class)
        .satisfies(v -> assertThat(((Tf.Str) v).template()).isTrue());
  }

  @Test
  void jsonencodeOfALocalBecomesJsonencodeOfTheObject() {
    TfModule m = module("""
        locals {
          policy = { Statement = [{ Action = "*" }] }
        }
        output "x" { value = jsonencode(local.policy) }
        """);
    assertThat(resolved(m)).isInstanceOf(Tf.Call.class)
        .satisfies(v -> assertThat(((Tf.Call) v).args().get(0)).isInstanceOf(Tf.Obj.class));
    assertThat(m.resolvedFrom(m.blocks().get(1).block().value("value")))
        .containsExactly("local.policy");
  }

  @Test
  void cycleOfLocalsStaysUnresolved() {
    TfModule m = module("""
        locals {
          a = local.b
          b = local.c
          c = local.a
        }
        output "x" { value = local.a }
        """);
    assertThat(resolved(m)).isEqualTo(new Tf.Ref("local.a"));
  }

  @Test
  void cyclicPartOfALocalStaysAReferenceWhileTheRestResolves() {
    TfModule m = module("""
        locals {
          a = local.b
          b = [local.c, "x"]
          c = local.a
        }
        output "x" { value = local.a }
        """);
    assertThat(resolved(m)).isEqualTo(new Tf.Tuple(List.of(new Tf.Ref("local.c"),
        new Tf.Str("x", false, List.of()))));
  }

  @Test
  void longChainOfLocalsStopsAtTheDepthLimitWithoutOverflowingTheStack() {
    StringBuilder src = new StringBuilder("locals {\n");
    for (int i = 0; i < 5_000; i++) {
      src.append("  l").append(i).append(" = local.l").append(i + 1).append('\n');
    }
    src.append("  l5000 = \"end\"\n}\noutput \"x\" { value = local.l0 }\n");
    TfModule m = module(src.toString());
    assertThat(resolved(m)).isEqualTo(new Tf.Ref("local.l0"));
  }

  @Test
  void localsThatDoubleAtEveryStepStayUnresolvedInsteadOfExploding() {
    StringBuilder src = new StringBuilder("locals {\n  l0 = \"*\"\n");
    for (int i = 1; i <= 30; i++) {
      src.append("  l").append(i).append(" = [local.l").append(i - 1).append(", local.l")
          .append(i - 1).append("]\n");
    }
    src.append("}\noutput \"x\" { value = local.l30 }\n");
    TfModule m = module(src.toString());
    assertThat(resolved(m)).isEqualTo(new Tf.Ref("local.l30"));
  }
}
