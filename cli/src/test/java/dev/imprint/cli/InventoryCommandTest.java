package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String SECRET = "Zx81kLq0PmW92vTr";

  @TempDir
  Path tmp;
  Path repo;

  @BeforeEach
  void repo() throws Exception {
    repo = Files.createDirectories(tmp.resolve("repo"));
    Files.createDirectories(repo.resolve("infra"));
    Files.writeString(repo.resolve("infra/main.tf"), """
        resource "aws_iam_user" "ci" {
          name = "ci"
        }

        resource "aws_iam_access_key" "ci" {
          user = aws_iam_user.ci.name
        }
        """);
    Files.createDirectories(repo.resolve(".github/workflows"));
    Files.writeString(repo.resolve(".github/workflows/ci.yml"), """
        name: ci
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            env:
              AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}
            steps:
              - run: ./deploy.sh
        """);
    Files.writeString(repo.resolve("Dockerfile"),
        "FROM alpine:3.20\nENV DB_PASSWORD=" + SECRET + "\n");
  }

  @Test
  void textInventoryListsIdentitiesAndLinksAndExitsZero() {
    Cli r = Cli.run("inventory", repo.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("aws-iam-user (1)", "aws-access-key (1)", "github-workflow (1)",
        "embedded-credential (1)", "static-key-source").doesNotContain(SECRET);
  }

  @Test
  void jsonParsesWithSchemaVersionAndHoldsNoSecret() throws Exception {
    Cli r = Cli.run("inventory", "--format", "json", repo.toString());
    assertThat(r.code()).isZero();
    JsonNode root = MAPPER.readTree(r.out());
    assertThat(root.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(root.get("identities").size()).isEqualTo(4);
    assertThat(root.get("links")).anySatisfy(
        l -> assertThat(l.get("kind").asText()).isEqualTo("static-key-source"));
    assertThat(r.out()).doesNotContain(SECRET);
  }

  @Test
  void outputFileIsWrittenAndStdoutStaysEmpty() throws Exception {
    Path out = tmp.resolve("inventory.json");
    Cli r = Cli.run("inventory", repo.toString(), "--format", "json", "--output", out.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(MAPPER.readTree(out.toFile()).get("schemaVersion").asInt()).isEqualTo(1);
    try (var left = Files.list(tmp)) {
      assertThat(left.map(p -> p.getFileName().toString())).doesNotContain(".tmp")
          .allSatisfy(n -> assertThat(n).doesNotEndWith(".tmp"));
    }
  }

  @Test
  void excludedPathsAreNotRead() {
    Cli r = Cli.run("inventory", repo.toString(), "--exclude", "infra/", "--format",
        "json");
    assertThat(r.code()).isZero();
    assertThat(r.out()).doesNotContain("aws-iam-user").contains("github-workflow");
  }

  @Test
  void usageErrorsAndUnreadableTargetsExitTwo() {
    assertThat(Cli.run("inventory", "--format", "sarif", repo.toString()).code()).isEqualTo(2);
    assertThat(Cli.run("inventory", "--repository", "not a repo", repo.toString()).code())
        .isEqualTo(2);
    assertThat(Cli.run("inventory", "--bogus").code()).isEqualTo(2);
    Cli missing = Cli.run("inventory", tmp.resolve("nope").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("does not exist");
    Cli badOutput = Cli.run("inventory", repo.toString(), "--output",
        tmp.resolve("no/such/dir/out.txt").toString());
    assertThat(badOutput.code()).isEqualTo(2);
    assertThat(badOutput.err()).contains("--output");
  }

  @Test
  void repositoryOptionDecidesOidcSubMatching() throws Exception {
    Files.writeString(repo.resolve("infra/role.tf"), """
        resource "aws_iam_role" "deploy" {
          name = "gh-deploy"
          assume_role_policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{
              Effect    = "Allow"
              Action    = "sts:AssumeRoleWithWebIdentity"
              Principal = {
                Federated = "token.actions.githubusercontent.com"
              }
              Condition = {
                StringLike = {
                  "token.actions.githubusercontent.com:sub" = "repo:acme/app:*"
                }
              }
            }]
          })
        }
        """);
    Files.writeString(repo.resolve(".github/workflows/oidc.yml"), """
        name: oidc
        on: push
        permissions:
          id-token: write
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - uses: aws-actions/configure-aws-credentials@v4
                with:
                  role-to-assume: arn:aws:iam::123456789012:role/gh-deploy
        """);
    assertThat(Cli.run("inventory", repo.toString(), "--repository", "acme/app").out())
        .contains("oidc-trust");
    assertThat(Cli.run("inventory", repo.toString(), "--repository", "acme/other").out())
        .doesNotContain("oidc-trust");
  }
}
