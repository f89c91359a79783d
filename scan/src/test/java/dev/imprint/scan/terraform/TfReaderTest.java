package dev.imprint.scan.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.SourceFile;
import org.junit.jupiter.api.Test;

class TfReaderTest {

  private static Tf.File read(String text) {
    return TfReader.read(SourceFile.of("main.tf", text));
  }

  @Test
  void blocksAttributesAndNestedBlocksKeepTheirLinesAndColumns() {
    Tf.File f = read("""
        # comment
        resource "aws_instance" "web" {
          ami = "ami-1"   // trailing comment
          metadata_options {
            http_tokens = "required"
          }
        }
        """);
    Tf.Block b = f.blocks().get(0);
    assertThat(b.address()).isEqualTo("aws_instance.web");
    assertThat(b.line()).isEqualTo(2);
    assertThat(b.attr("ami").line()).isEqualTo(3);
    assertThat(b.attr("ami").column()).isEqualTo(3);
    Tf.Block md = b.block("metadata_options");
    assertThat(md.line()).isEqualTo(4);
    assertThat(md.attr("http_tokens").column()).isEqualTo(5);
    assertThat(md.literal("http_tokens")).isEqualTo("required");
  }

  @Test
  void jsonencodeObjectsTuplesAndReferencesAreTyped() {
    Tf.Block b = read("""
        resource "aws_iam_policy" "p" {
          policy = jsonencode({
            Statement = [{ Effect = "Allow", "Action" : ["s3:GetObject"],
                           Resource = "${aws_s3_bucket.b.arn}/*" }]
          })
          count = var.enabled ? 1 : 0
          tags  = merge(local.tags, { Name = "p" })
        }
        """).blocks().get(0);
    Tf.Call call = (Tf.Call) b.value("policy");
    assertThat(call.name()).isEqualTo("jsonencode");
    Tf.Obj doc = (Tf.Obj) call.args().get(0);
    Tf.Obj st = (Tf.Obj) ((Tf.Tuple) doc.entries().get("Statement")).items().get(0);
    assertThat(st.entries().get("Action")).isInstanceOf(Tf.Tuple.class);
    Tf.Str resource = (Tf.Str) st.entries().get("Resource");
    assertThat(resource.template()).isTrue();
    assertThat(resource.templateRefs()).containsExactly("aws_s3_bucket.b.arn");
    assertThat(b.value("count")).isInstanceOf(Tf.Expr.class);
    assertThat(b.value("count").refs()).contains("var.enabled");
  }

  @Test
  void indentedHeredocLosesItsCommonIndentation() {
    Tf.Block b = read("""
        resource "aws_instance" "a" {
          user_data = <<-EOT
            #!/bin/bash
              echo hi
          EOT
          ami = "x"
        }
        """).blocks().get(0);
    assertThat(b.literal("user_data")).isEqualTo("#!/bin/bash\n  echo hi\n");
    assertThat(b.literal("ami")).isEqualTo("x");
    assertThat(b.attr("ami").line()).isEqualTo(6);
  }

  @Test
  void escapedInterpolationIsLiteralText() {
    Tf.Value v = read("locals {\n  a = \"$${HOME}\\n\"\n}\n").blocks().get(0).value("a");
    assertThat(v).isInstanceOf(Tf.Str.class);
    assertThat(((Tf.Str) v).template()).isFalse();
    assertThat(((Tf.Str) v).text()).isEqualTo("${HOME}\n");
  }

  @Test
  void forExpressionsAndSplatsAreKeptAsExpressions() {
    Tf.Block b = read("""
        locals {
          ids   = [for s in aws_subnet.private : s.id]
          names = aws_instance.web[*].id
          m     = { for k, v in var.m : k => upper(v) }
        }
        """).blocks().get(0);
    assertThat(b.value("ids")).isInstanceOf(Tf.Expr.class);
    assertThat(b.value("ids").refs()).contains("aws_subnet.private");
    assertThat(b.value("names").refs()).anyMatch(r -> r.startsWith("aws_instance.web"));
    assertThat(b.value("m")).isInstanceOf(Tf.Expr.class);
  }

  @Test
  void malformedFilesYieldNullNotAnException() {
    assertThat(read("resource \"a\" \"b\" {\n  x = \n")).isNull();
    assertThat(read("resource \"a\" \"b\" {\n")).isNull();
    assertThat(read("}\n")).isNull();
    assertThat(read("x = \"unterminated\n")).isNull();
    assertThat(read("x = <<EOT\nno end\n")).isNull();
  }

  @Test
  void deepNestingIsBoundedNotOverflowed() {
    String deep = "x = " + "[".repeat(20000) + "]".repeat(20000) + "\n";
    assertThat(read(deep)).isNull();
    String blocks = "a {\n".repeat(5000) + "}\n".repeat(5000);
    assertThat(read(blocks)).isNull();
  }

  @Test
  void hostileNestingInsideStringsAndOperatorsIsBounded() {
    String strings = "x = " + "\"${".repeat(20000) + "}\"".repeat(20000) + "\n";
    assertThat(read(strings)).isNull();
    String unary = "x = " + "-".repeat(50000) + "1\n";
    assertThat(read(unary)).isNull();
  }

  @Test
  void realisticModuleCodeIsRead() {
    Tf.File f = read("""
        terraform {
          required_version = ">= 1.5"
          required_providers {
            aws = { source = "hashicorp/aws", version = "~> 5.0" }
          }
        }

        locals {
          name = "${var.prefix}-app"
          tags = merge(var.tags, {
            Name = local.name   # inline comment
          })
          enabled = var.create && length(var.subnets) > 0 ? true : false
          ports   = toset([for p in var.ports : tostring(p) if p != 22])
        }

        /* a block comment
           over two lines */
        resource "aws_security_group" "this" {
          count  = local.enabled ? 1 : 0
          name   = local.name
          vpc_id = var.vpc_id

          dynamic "ingress" {
            for_each = var.ingress
            content {
              from_port   = ingress.value.from
              to_port     = ingress.value.to
              protocol    = "tcp"
              cidr_blocks = ingress.value.cidrs
            }
          }

          lifecycle {
            create_before_destroy = true
            ignore_changes        = [tags["CreatedAt"]]
          }
        }

        output "id" {
          value = try(aws_security_group.this[0].id, null)
        }
        """);
    assertThat(f).isNotNull();
    assertThat(f.blocks()).extracting(Tf.Block::address).containsExactly("terraform", "locals",
        "aws_security_group.this", "output.id");
    Tf.Block sg = f.blocks().get(2);
    assertThat(sg.blocks("dynamic")).singleElement()
        .satisfies(d -> assertThat(d.label(0)).isEqualTo("ingress"));
    assertThat(f.blocks().get(3).value("value").refs())
        .anyMatch(r -> r.startsWith("aws_security_group.this"));
  }

  @Test
  void anUnclosedBlockIsReportedAtTheEndOfTheFileOnItsLastLine() {
    // two lines: a position on a third would lie outside the file (found by fuzzing)
    TfReader.Result r = TfReader.parse(SourceFile.of("main.tf", "resource \"a\" \"b\" {\n  x = 1\n"));
    assertThat(r.ok()).isFalse();
    assertThat(r.file()).isNull();
    assertThat(r.line()).isEqualTo(2);
    assertThat(r.column()).isEqualTo(8);
    assertThat(r.message()).contains("end of file");
  }

  @Test
  void aStrayCharacterIsReportedWithItsLineAndColumn() {
    TfReader.Result r = TfReader.parse(SourceFile.of("main.tf", "locals {\n  a = 1\n}\n}\n"));
    assertThat(r.ok()).isFalse();
    assertThat(r.line()).isEqualTo(4);
    assertThat(r.column()).isEqualTo(1);
    assertThat(r.message()).contains("'}'");
  }

  @Test
  void aReadableFileHasNoError() {
    TfReader.Result r = TfReader.parse(SourceFile.of("main.tf", "locals {\n  a = 1\n}\n"));
    assertThat(r.ok()).isTrue();
    assertThat(r.message()).isNull();
  }
  @Test
  void tenThousandNestedBracketsStopWithALocatedFailureNotAStackOverflow() {
    String text = "locals {\n  deep = " + "[".repeat(10_000) + "]".repeat(10_000) + "\n}\n";

    TfReader.Result r = TfReader.parse(SourceFile.of("main.tf", text));

    assertThat(r.ok()).isFalse();
    assertThat(r.line()).isEqualTo(2);
    assertThat(r.column()).isBetween(10, 10 + 10_000);
    assertThat(r.message()).isNotBlank();
  }

  @Test
  void aFiveMegabyteSingleLineStringIsReadInFull() {
    String big = "x".repeat(5 * 1024 * 1024);

    TfReader.Result r = TfReader.parse(SourceFile.of("main.tf",
        "resource \"a\" \"b\" {\n  v = \"" + big + "\"\n}\n"));

    assertThat(r.ok()).isTrue();
    assertThat(r.file().blocks().get(0).literal("v")).hasSize(big.length());
  }

  @Test
  void aFiveMegabyteUnterminatedLineIsADiagnosticOnThatLine() {
    String text = "resource \"a\" \"b\" {\n  v = \"" + "y".repeat(5 * 1024 * 1024);

    TfReader.Result r = TfReader.parse(SourceFile.of("main.tf", text));

    assertThat(r.ok()).isFalse();
    assertThat(r.line()).isEqualTo(2);
    assertThat(r.column()).isPositive();
    assertThat(r.message()).contains("end of file").doesNotContain("yyyy");
  }

  @Test
  @org.junit.jupiter.api.Timeout(120) // a guard against a hang, not a speed assertion
  void aHeredocFullOfUnclosedInterpolationsIsReadInOnePass() {
    String text = "locals {\n  s = <<EOT\n" + "${".repeat(500_000) + "\nEOT\n}\n";

    TfReader.Result r = TfReader.parse(SourceFile.of("main.tf", text));

    assertThat(r.ok()).isTrue();
    Tf.Str s = (Tf.Str) r.file().blocks().get(0).value("s");
    assertThat(s.template()).isTrue();
    assertThat(s.templateRefs()).isEmpty();
  }

  @Test
  void theAnalyzerTurnsHostileInputIntoAParseErrorDiagnostic() {
    String text = "provider \"google\" {\n  credentials = " + "(".repeat(10_000) + "\n}\n";
    java.util.List<dev.imprint.scan.Diagnostic> diagnostics = new java.util.ArrayList<>();
    java.util.List<dev.imprint.scan.Finding> findings = new java.util.ArrayList<>();

    new TerraformAnalyzer().start(dev.imprint.scan.ScanSettings.defaults())
        .analyze(SourceFile.of("infra/main.tf", text), new dev.imprint.scan.Analyzer.Sink() {
          @Override
          public void report(dev.imprint.scan.Finding finding) {
            findings.add(finding);
          }

          @Override
          public void diagnose(dev.imprint.scan.Diagnostic diagnostic) {
            diagnostics.add(diagnostic);
          }
        });

    assertThat(findings).isEmpty();
    assertThat(diagnostics).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(dev.imprint.scan.Diagnostic.Kind.PARSE_ERROR);
      assertThat(d.location().path()).isEqualTo("infra/main.tf");
      assertThat(d.location().line()).isEqualTo(2);
      assertThat(d.location().column()).isGreaterThan(1);
    });
  }
  @Test
  void aDefinitionsFileIsReadAsOneBlockOfTopLevelAttributes() {
    TfReader.Result r = TfReader.parseDefinitions(SourceFile.of("terraform.tfvars",
        "region = \"eu\"\n\ntags = {\n  team = \"a\"\n}\n  db_password = \"x\"\n"));

    assertThat(r.ok()).isTrue();
    Tf.Block all = r.file().blocks().get(0);
    assertThat(all.type()).isEqualTo("tfvars");
    assertThat(all.attrs().keySet()).containsExactly("region", "tags", "db_password");
    assertThat(all.attr("db_password").line()).isEqualTo(6);
    assertThat(all.attr("db_password").column()).isEqualTo(3);
    assertThat(TfReader.parse(SourceFile.of("terraform.tfvars", "region = \"eu\"\n")).file()
        .blocks()).isEmpty();
  }

  @Test
  void aBrokenDefinitionsFileSaysWhereReadingStopped() {
    TfReader.Result r = TfReader.parseDefinitions(SourceFile.of("terraform.tfvars",
        "a = 1\nb = [1, 2\n"));

    assertThat(r.ok()).isFalse();
    assertThat(r.line()).isEqualTo(2);
    assertThat(r.column()).isEqualTo(10);
    assertThat(r.message()).contains("end of file");
  }
  @Test
  void theSameFileObjectIsReadOnceAndAnotherWithTheSameTextAfresh() {
    SourceFile file = SourceFile.of("main.tf", "locals {\n  a = 1\n}\n");
    SourceFile copy = SourceFile.of("main.tf", file.text());

    TfReader.Result first = TfReader.parse(file);

    assertThat(TfReader.parse(file)).isSameAs(first);
    assertThat(TfReader.parse(copy)).isNotSameAs(first)
        .satisfies(r -> assertThat(r.file().source()).isSameAs(copy));
    assertThat(TfReader.parse(file)).isNotSameAs(first).isEqualTo(first);
  }
}
