package dev.imprint.scan.packer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.SourceFile;
import org.junit.jupiter.api.Test;

/** The template reader: one model for HCL2 and JSON, exact positions, and no exceptions. */
class PackerReaderTest {

  static PackerTemplate parsed(String name, String text) {
    PackerReader.Result r = PackerReader.read(SourceFile.of(name, text));
    assertThat(r).as("result of %s", name).isInstanceOf(PackerReader.Parsed.class);
    return ((PackerReader.Parsed) r).template();
  }

  static PackerReader.Failed failed(String name, String text) {
    PackerReader.Result r = PackerReader.read(SourceFile.of(name, text));
    assertThat(r).as("result of %s", name).isInstanceOf(PackerReader.Failed.class);
    return (PackerReader.Failed) r;
  }

  private static final String HCL = """
      variable "db_password" {
        type      = string
        sensitive = true
        default   = "abc"
      }

      source "amazon-ebs" "web" {
        region = "eu-west-1"
        source_ami_filter {
          owners      = ["099720109477", var.extra_owner]
          most_recent = true
        }
      }

      build {
        sources = ["source.amazon-ebs.web"]

        provisioner "shell" {
          inline = [
            "echo one",
              "echo ${var.db_password}",
          ]
          env = {
            A = "x"
            B = var.b
          }
        }
        post-processor "manifest" {}
      }
      """;

  @Test
  void hclTemplateIsModelledWithExactLinesAndColumns() {
    PackerTemplate t = parsed("web.pkr.hcl", HCL);

    assertThat(t.format()).isEqualTo(PackerTemplate.Format.HCL);
    PackerTemplate.Variable v = t.variables().get(0);
    assertThat(v.name()).isEqualTo("db_password");
    assertThat(v.sensitive()).isTrue();
    assertThat(v.line()).isEqualTo(1);
    assertThat(v.defaultValue().line()).isEqualTo(4);
    assertThat(v.defaultValue().column()).isEqualTo(15);

    PackerTemplate.Source s = t.sources().get(0);
    assertThat(s.type()).isEqualTo("amazon-ebs");
    assertThat(s.name()).isEqualTo("web");
    assertThat(s.line()).isEqualTo(7);
    Value.Mapping filter = (Value.Mapping) s.attribute("source_ami_filter");
    assertThat(filter.line()).isEqualTo(9);
    assertThat(filter.column()).isEqualTo(3);
    var owners = Value.scalars(filter.get("owners"));
    assertThat(owners).extracting(Value.Scalar::text)
        .containsExactly("099720109477", "${var.extra_owner}");
    assertThat(owners).extracting(Value.Scalar::literal).containsExactly(true, false);
    assertThat(owners.get(1).line()).isEqualTo(10);
    assertThat(owners.get(1).column()).isEqualTo(36);
  }

  @Test
  void hclProvisionerItemsKeepTheirOwnLinesAndColumns() {
    PackerTemplate.Provisioner p = parsed("web.pkr.hcl", HCL).provisioners().get(0);

    assertThat(p.type()).isEqualTo("shell");
    assertThat(p.line()).isEqualTo(18);
    assertThat(p.column()).isEqualTo(3);
    assertThat(p.inline()).extracting(Value.Scalar::text)
        .containsExactly("echo one", "echo ${var.db_password}");
    assertThat(p.inline()).extracting(Value.Scalar::line).containsExactly(20, 21);
    assertThat(p.inline()).extracting(Value.Scalar::column).containsExactly(7, 9);
    assertThat(p.inline()).extracting(Value.Scalar::literal).containsExactly(true, false);
    Value.Mapping env = (Value.Mapping) p.attribute("env");
    assertThat(env.get("A").line()).isEqualTo(24);
    assertThat(env.get("A").column()).isEqualTo(11);
    assertThat(env.get("B").line()).isEqualTo(25);
    assertThat(((Value.Scalar) env.get("B")).literal()).isFalse();
  }

  @Test
  void hclPostProcessorsAreReadInsideAndOutsideAChain() {
    PackerTemplate t = parsed("x.pkr.hcl", """
        build {
          post-processor "manifest" {}
          post-processors {
            post-processor "docker-tag" {
              tags = ["1"]
            }
            post-processor "docker-push" {}
          }
        }
        """);

    assertThat(t.postProcessors()).extracting(PackerTemplate.PostProcessor::type)
        .containsExactly("manifest", "docker-tag", "docker-push");
    assertThat(t.postProcessors().get(2).line()).isEqualTo(7);
  }

  private static final String LEGACY = """
      {
        "variables": {
          "aws_secret_key": "{{env `AWS_SECRET_ACCESS_KEY`}}",
          "region": "eu-west-1"
        },
        "sensitive-variables": ["aws_secret_key"],
        "builders": [{
          "type": "amazon-ebs",
          "source_ami_filter": {"owners": ["amazon"], "most_recent": true}
        }],
        "provisioners": [
          {"type": "shell", "inline": ["echo a",
                                       "echo b"]},
          {"type": "file", "source": "a.txt", "destination": "/tmp/a.txt"}
        ],
        "post-processors": ["manifest", [{"type": "docker-tag"}, "docker-push"]]
      }
      """;

  @Test
  void legacyJsonTemplateIsModelledWithJacksonTokenLocations() {
    PackerTemplate t = parsed("packer.json", LEGACY);

    assertThat(t.format()).isEqualTo(PackerTemplate.Format.LEGACY_JSON);
    assertThat(t.variables()).extracting(PackerTemplate.Variable::name)
        .containsExactly("aws_secret_key", "region");
    assertThat(t.variables()).extracting(PackerTemplate.Variable::sensitive)
        .containsExactly(true, false);
    assertThat(t.variables().get(0).line()).isEqualTo(3);
    assertThat(t.variables().get(0).column()).isEqualTo(23);
    assertThat(((Value.Scalar) t.variables().get(0).defaultValue()).literal()).isFalse();
    PackerTemplate.Source s = t.sources().get(0);
    assertThat(s.type()).isEqualTo("amazon-ebs");
    assertThat(s.name()).isEqualTo("amazon-ebs");
    assertThat(s.line()).isEqualTo(7);
    assertThat(s.column()).isEqualTo(16);
    PackerTemplate.Provisioner shell = t.provisioners().get(0);
    assertThat(shell.inline()).extracting(Value.Scalar::line).containsExactly(12, 13);
    assertThat(shell.inline()).extracting(Value.Scalar::column).containsExactly(34, 34);
    PackerTemplate.Provisioner file = t.provisioners().get(1);
    assertThat(file.fileSources()).extracting(Value.Scalar::text).containsExactly("a.txt");
    assertThat(file.destination().text()).isEqualTo("/tmp/a.txt");
    assertThat(t.postProcessors()).extracting(PackerTemplate.PostProcessor::type)
        .containsExactly("manifest", "docker-tag", "docker-push");
  }

  @Test
  void hclJsonFormIsModelledLikeHcl() {
    PackerTemplate t = parsed("web.pkr.json", """
        {
          "variable": {"api_token": {"type": "string", "sensitive": true}},
          "source": {"docker": {"app": {"image": "ubuntu:22.04"}}},
          "build": [{
            "sources": ["source.docker.app"],
            "provisioner": [{"shell": {"inline": ["echo ${var.api_token}"]}}],
            "post-processor": {"docker-tag": {"repository": "acme/app"}}
          }]
        }
        """);

    assertThat(t.format()).isEqualTo(PackerTemplate.Format.HCL_JSON);
    assertThat(t.variables().get(0).sensitive()).isTrue();
    assertThat(t.sources().get(0).type()).isEqualTo("docker");
    assertThat(t.sources().get(0).name()).isEqualTo("app");
    assertThat(t.sources().get(0).line()).isEqualTo(3);
    assertThat(t.provisioners().get(0).inline().get(0).literal()).isFalse();
    assertThat(t.postProcessors().get(0).type()).isEqualTo("docker-tag");
  }

  @Test
  void malformedHclIsAFailureWithLineAndColumn() {
    PackerReader.Failed f = failed("web.pkr.hcl", """
        source "docker" "app" {
          image = "ubuntu:22.04"
          commit = = true
        }
        """);

    assertThat(f.line()).isEqualTo(3);
    assertThat(f.column()).isEqualTo(12);
    assertThat(f.message()).contains("expected");
  }

  @Test
  void malformedJsonIsAFailureWithLineAndColumnThatNeverQuotesTheBadToken() {
    PackerReader.Failed f = failed("web.pkr.json", """
        {
          "builders": [
            {"type": "docker", "password": Hunter2Secret9}
          ]
        }
        """);

    assertThat(f.line()).isEqualTo(3);
    assertThat(f.column()).isGreaterThanOrEqualTo(36);
    assertThat(f.message()).startsWith("invalid JSON").doesNotContain("Hunter2Secret9");
  }

  @Test
  void truncatedLegacyTemplateIsAFailureAtTheEnd() {
    PackerReader.Failed f =
        failed("packer.json", "{\n  \"builders\": [\n    {\"type\": \"docker\"");

    assertThat(f.line()).isEqualTo(3);
    assertThat(f.message()).contains("end of file");
  }

  @Test
  void otherJsonIsNotPackerEvenWhenItIsBroken() {
    assertThat(PackerReader.read(SourceFile.of("package.json", "{\"name\": \"app\"}")))
        .isInstanceOf(PackerReader.NotPacker.class);
    assertThat(PackerReader.read(SourceFile.of("infra.json",
        "{\"provisioners\": {\"count\": 2}}"))).isInstanceOf(PackerReader.NotPacker.class);
    assertThat(PackerReader.read(SourceFile.of("vagrant.json",
        "{\"provisioners\": [\"shell\"]}"))).isInstanceOf(PackerReader.NotPacker.class);
    assertThat(PackerReader.read(SourceFile.of("broken.json", "{\"provisioners\": [")))
        .isInstanceOf(PackerReader.NotPacker.class);
    assertThat(PackerReader.read(SourceFile.of("list.json", "[{\"builders\": []}]")))
        .isInstanceOf(PackerReader.NotPacker.class);
  }

  @Test
  void provisionerOnlyLegacyTemplateIsPacker() {
    PackerTemplate t = parsed("provision.json",
        "{\"provisioners\": [{\"type\": \"shell\", \"inline\": [\"echo hi\"]}]}");

    assertThat(t.provisioners()).hasSize(1);
  }

  @Test
  void onlyPackerNamesAreCandidates() {
    assertThat(PackerReader.candidate("web.pkr.hcl")).isTrue();
    assertThat(PackerReader.candidate("WEB.PKR.HCL")).isTrue();
    assertThat(PackerReader.candidate("web.pkr.json")).isTrue();
    assertThat(PackerReader.candidate("template.json")).isTrue();
    assertThat(PackerReader.candidate("main.tf")).isFalse();
    assertThat(PackerReader.candidate("values.pkrvars.hcl")).isTrue();
    assertThat(PackerReader.candidate("values.tfvars")).isFalse();
    assertThat(PackerReader.read(SourceFile.of("main.tf", HCL)))
        .isInstanceOf(PackerReader.NotPacker.class);
  }

  @Test
  void emptyAndNonObjectPackerJsonAreFailures() {
    assertThat(failed("a.pkr.json", "").message()).contains("empty");
    assertThat(failed("a.pkr.json", "[1, 2]").message()).contains("object");
    assertThat(failed("a.pkr.json", "{} {}").message()).contains("end of the file");
  }

  @Test
  void deeplyNestedJsonIsAFailureNotAStackOverflow() {
    String deep = "{\"builders\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";

    PackerReader.Failed f = failed("deep.pkr.json", deep);

    assertThat(f.line()).isEqualTo(1);
    assertThat(f.message()).contains("nested");
  }

  @Test
  void deeplyNestedHclIsAFailureNotAStackOverflow() {
    String deep = "build {\n  x = " + "[".repeat(50_000) + "]".repeat(50_000) + "\n}\n";

    PackerReader.Failed f = failed("deep.pkr.hcl", deep);

    assertThat(f.line()).isPositive();
  }

  @Test
  void hugeTupleIsReadWithEveryItemLocated() {
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      items.append("\"echo ").append(i).append("\",\n");
    }
    PackerTemplate t = parsed("big.pkr.hcl",
        "build {\n  provisioner \"shell\" {\n    inline = [\n" + items + "]\n  }\n}\n");

    var inline = t.provisioners().get(0).inline();
    assertThat(inline).hasSize(20_000);
    assertThat(inline.get(19_999).line()).isEqualTo(20_003);
  }

  @Test
  void tupleWithHeredocAndNestedQuotesStillLocatesItems() {
    PackerTemplate t = parsed("x.pkr.hcl", """
        build {
          provisioner "shell" {
            inline = ["echo ${join(",", ["a", "b"])}", # comment, with [brackets]
              <<EOF
        echo "],["
        EOF
              , "last"]
          }
        }
        """);

    var inline = t.provisioners().get(0).inline();
    assertThat(inline).hasSize(3);
    assertThat(inline).extracting(Value.Scalar::line).containsExactly(3, 4, 7);
  }

  @Test
  void variableFilesAreReadAsAssignmentsWithTheirValuePositions() {
    PackerTemplate t = parsed("prod.pkrvars.hcl", """
        region = "eu-west-1"   # comment
          db_password="a\\"b"
        owners = ["amazon"]
        token = <<EOT
        x
        EOT
        """);

    assertThat(t.format()).isEqualTo(PackerTemplate.Format.VARIABLE_FILE);
    assertThat(t.variables()).extracting(PackerTemplate.Variable::name)
        .containsExactly("region", "db_password");
    Value.Scalar pw = (Value.Scalar) t.variables().get(1).defaultValue();
    assertThat(pw.text()).isEqualTo("a\"b");
    assertThat(pw.line()).isEqualTo(2);
    assertThat(pw.column()).isEqualTo(15);
    PackerTemplate json = parsed("prod.pkrvars.json", "{\"a\": \"b\", \"n\": 1}");
    assertThat(json.format()).isEqualTo(PackerTemplate.Format.VARIABLE_FILE);
    assertThat(json.variables()).extracting(PackerTemplate.Variable::name)
        .containsExactly("a", "n");
    assertThat(failed("prod.pkrvars.json", "{\"a\": ").line()).isEqualTo(1);
  }
}
