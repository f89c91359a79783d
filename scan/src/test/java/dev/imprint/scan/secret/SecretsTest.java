package dev.imprint.scan.secret;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {

  @ParameterizedTest
  @ValueSource(strings = {"changeme", "<password>", "xxx", "xxxxxxxx", "${DB_PASSWORD}",
      "$DB_PASSWORD", "$(cat /run/secrets/db)", "{{ .Values.db.password }}", "var.db_password",
      "os.environ['DB_PASSWORD']", "process.env.DB_PASSWORD", "ENV[\"DB_PASSWORD\"]",
      "get_password()", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db",
      "vault:secret/data/db#password", "secretKeyRef", "'${{ secrets.TOKEN }}'", "\"\"",
      "your-password-here", "***"})
  void placeholdersAndReferencesAreNotSecrets(String value) {
    assertThat(Secrets.isPlaceholder(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ComplexPassword123", "q7Z!x9Lm2pR4", "s3cr3t-Pa55"})
  void literalsAreNotPlaceholders(String value) {
    assertThat(Secrets.isPlaceholder(value)).isFalse();
  }

  @Test
  void wordLikePasswordBoundToASecretNameInATypedAssignmentCounts() {
    assertThat(Secrets.assignment("DB_PASS", "ComplexPassword123")).isPresent();
    assertThat(Secrets.assignment("DB_PASSWORD", "\"ComplexPassword123\"")).isPresent();
  }

  @Test
  void placeholdersAndExampleValuesInTypedAssignmentsDoNotCount() {
    assertThat(Secrets.assignment("DB_PASSWORD", "${DB_PASSWORD}")).isEmpty();
    assertThat(Secrets.assignment("DB_PASSWORD", "changeme")).isEmpty();
    assertThat(Secrets.assignment("API_KEY", "my-example-key-123")).isEmpty();
    assertThat(Secrets.assignment("DB_HOST", "ComplexPassword123")).isEmpty();
  }

  @Test
  void secretNamesAreRecognisedAndLookalikesAreNot() {
    assertThat(Secrets.isSecretName("client_secret")).isTrue();
    assertThat(Secrets.isSecretName("GITHUB_TOKEN")).isTrue();
    assertThat(Secrets.isSecretName("private_key")).isTrue();
    assertThat(Secrets.isSecretName("SIGNING_KEY_PASSPHRASE")).isTrue();
    assertThat(Secrets.isSecretName("password_file")).isFalse();
    assertThat(Secrets.isSecretName("token_endpoint")).isFalse();
    assertThat(Secrets.isSecretName("access_key_id")).isFalse();
  }

  @Test
  void testMarkersAreRecognised() {
    assertThat(Secrets.isTestMarker("AKIAIOSFODNN7EXAMPLE")).isTrue();
    assertThat(Secrets.isTestMarker("dummy-token")).isTrue();
    assertThat(Secrets.isTestMarker("q7Z!x9Lm2pR4")).isFalse();
  }

  @Test
  void freeTextNeedsMoreEvidenceThanATypedAssignment() {
    assertThat(Secrets.looksLikeFreeTextSecret("required", false)).isFalse();
    assertThat(Secrets.looksLikeFreeTextSecret("config.secretKey", false)).isFalse();
    assertThat(Secrets.looksLikeFreeTextSecret("3f786850e387550fdab836ed7e6dc881de23001b", false))
        .isFalse();
    assertThat(Secrets.looksLikeFreeTextSecret("q7Z!x9Lm2pR4", true)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"root", "toor", "postgres", "123456", "letmein42", "Trombone",
      "Summer2024!", "P@ssw0rd123!", "chl2525!", "correcthorsebatterystaple",
      "MyDogIsCalledRex2019!", "abababababababababab", "qzvkxwprtmbnhgfd"})
  void passwordsPeopleChooseAreGuessable(String value) {
    assertThat(Secrets.isGuessable(value)).as("%s (%s bits)", value, Secrets.guessBits(value))
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8Jd92LmQpX3zR7vN1aT", "q7Z!x9Lm2pR4#vT8",
      "3f786850e387550fdab836ed7e6dc881de23001b", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz1234abcd",
      "Xk29-pQm7-Lr84-Tz3w-Nv62"})
  void generatedValuesAreNotGuessable(String value) {
    assertThat(Secrets.isGuessable(value)).as("%s (%s bits)", value, Secrets.guessBits(value))
        .isFalse();
  }

  @Test
  void anErbEnvironmentLookupIsJudgedByItsLiteralFallback() {
    assertThat(Secrets.erbFallback("<%= ENV.fetch(\"DB_PASSWORD\") { \"inkwell42\" } %>"))
        .extracting(Secrets.Fallback::literal).isEqualTo("inkwell42");
    String arg = "<%= ENV.fetch('DB_PASSWORD', 'quillpen') %>";
    Secrets.Fallback f = Secrets.erbFallback(arg);
    assertThat(arg.substring(f.offset(), f.offset() + f.literal().length())).isEqualTo("quillpen");
    assertThat(Secrets.erbFallback("<%= ENV['PW'] || (creds || {})[:pw] || 'abacus-77' -%>"))
        .extracting(Secrets.Fallback::literal).isEqualTo("abacus-77");
    assertThat(Secrets.erbFallback("<%= ENV.fetch(\"PW\") { |k| \"tally\" } %>"))
        .extracting(Secrets.Fallback::literal).isEqualTo("tally");
    for (String none : new String[] {"<%= ENV['DB_PASSWORD'] %>",
        "<%= ENV.fetch(\"PW\") { Rails.application.credentials.db_password } %>",
        "<%= ENV['PW'] || Rails.application.credentials.pw %>", "<%= ENV.fetch(\"PW\", nil) %>",
        "<%= ENV.fetch(\"PW\", \"\") %>", "<%= \"'#{ ENV['PW'] }'\" %>", "plain"}) {
      assertThat(Secrets.erbFallback(none)).as(none).isNull();
    }
  }

  @Test
  void aTemplateVariableIsJudgedByItsStringDefault() {
    String jinja = "{{ vault_db_password | default('Gx7qTr2mWp9z') }}";
    Secrets.Fallback f = Secrets.templateFallback(jinja);
    assertThat(jinja.substring(f.offset(), f.offset() + f.literal().length()))
        .isEqualTo("Gx7qTr2mWp9z");
    String[][] cases = {
        {"{{- pw | d(\"plumtree77\", true) -}}", "plumtree77"},
        {"{{ lookup('env', 'PW') | default('abacus-77') | trim }}", "abacus-77"},
        {"{{ .Values.db.password | default \"Vq8rT2zL\" | b64enc | quote }}", "Vq8rT2zL"},
        {"{{ default \"Hk4mPz9s\" .Values.admin.password }}", "Hk4mPz9s"},
        {"{{ .Values.pw | default `raw-str1ng` }}", "raw-str1ng"},
    };
    for (String[] c : cases) {
      assertThat(Secrets.templateFallback(c[0])).as(c[0])
          .extracting(Secrets.Fallback::literal).isEqualTo(c[1]);
      assertThat(Secrets.fallback(c[0])).as(c[0]).isNotNull();
    }
    for (String none : new String[] {"{{ pw }}", "{{ pw | default(omit) }}",
        "{{ pw | default('') }}", "{{ pw | default(other_pw) }}",
        "{{ .Values.pw | default (randAlphaNum 16) }}",
        "{{ .Values.tag | default .Chart.AppVersion }}",
        "{{ pw | default('a') }}-suffix", "prefix-{{ pw | default('abc') }}",
        "{{ pw | dict2items }}", "plain"}) {
      assertThat(Secrets.templateFallback(none)).as(none).isNull();
    }
  }
}
