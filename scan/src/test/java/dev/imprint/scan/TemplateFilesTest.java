package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A template engine's file is read by every analyzer as the file it renders: Jinja and Go
 * templates of manifests, compose files and Dockerfiles; a template variable's literal default
 * is the value the rendered file holds when the variable is unset.
 */
class TemplateFilesTest {

  private static ScanReport scan(String path, String text) {
    return Scanner.create(ScanSettings.defaults())
        .scanSources(List.of(SourceFile.of(path, text)));
  }

  private static List<String> at(ScanReport report, int line) {
    return report.findings().stream().filter(f -> f.location().line() == line)
        .map(Finding::ruleId).toList();
  }

  private static List<Finding> secrets(ScanReport report) {
    return report.findings().stream().filter(f -> f.secret() != null).toList();
  }

  @Test
  void aTemplateIsNamedAsTheFileItRenders() {
    assertThat(SourceFile.renderedName("deployment.yaml.j2")).isEqualTo("deployment.yaml");
    assertThat(SourceFile.renderedName("Dockerfile.j2")).isEqualTo("Dockerfile");
    assertThat(SourceFile.renderedName("Dockerfile-prod.jinja2")).isEqualTo("Dockerfile-prod");
    assertThat(SourceFile.renderedName("docker-compose.yml.tmpl"))
        .isEqualTo("docker-compose.yml");
    assertThat(SourceFile.renderedName("Jenkinsfile.tpl")).isEqualTo("Jenkinsfile");
    assertThat(SourceFile.renderedName("_helpers.tpl")).isEqualTo("_helpers.tpl");
    assertThat(SourceFile.renderedName("deployment.yaml")).isEqualTo("deployment.yaml");
    SourceFile file = SourceFile.of("roles/web/templates/Dockerfile.j2", "FROM x\n");
    assertThat(file.name()).isEqualTo("Dockerfile");
    assertThat(file.fileName()).isEqualTo("Dockerfile.j2");
    assertThat(file.template()).isTrue();
    assertThat(SourceFile.of("Dockerfile", "FROM x\n").template()).isFalse();
  }

  @Test
  void aJinjaManifestIsReadByTheKubernetesRules() {
    ScanReport r = scan("deploy/deployment.yaml.j2", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ app_name }}
          namespace: {{ namespace | default('shop') }}
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: "{{ registry }}/app:{{ version }}"
        {% if debug %}
                  securityContext:
                    privileged: true
        {% endif %}
        """);
    assertThat(at(r, 14)).contains("IMP-K8S-012");
    assertThat(r.diagnostics()).noneMatch(d -> d.kind() == Diagnostic.Kind.PARSE_ERROR);
  }

  @Test
  void aJinjaDockerfileIsReadByTheDockerfileRules() {
    ScanReport r = scan("roles/web/templates/Dockerfile.j2", """
        FROM {{ base_image }}:{{ base_tag }}
        {% if proxy is defined %}
        ENV http_proxy={{ proxy }}
        {% endif %}
        RUN curl -fsSL https://get.example.org/install.sh | sh
        {# the entrypoint comes from the role's defaults #}
        CMD ["{{ command }}"]
        """);
    assertThat(at(r, 5)).contains("IMP-DOCKER-019");
    assertThat(r.diagnostics()).noneMatch(d -> d.kind() == Diagnostic.Kind.PARSE_ERROR);
    assertThat(r.findings()).noneMatch(f -> f.location().line() == 1
        && f.message().contains("{{"));
  }

  @Test
  void aJinjaComposeFileIsReadByTheComposeRules() {
    ScanReport r = scan("docker-compose.yml.j2", """
        services:
          app:
            image: {{ app_image }}
        {% for port in ports %}
            ports:
              - "{{ port }}:{{ port }}"
        {% endfor %}
            privileged: true
        """);
    assertThat(at(r, 8)).contains("IMP-COMPOSE-001");
    assertThat(r.diagnostics()).noneMatch(d -> d.kind() == Diagnostic.Kind.PARSE_ERROR);
  }

  @Test
  void aTemplateThatDoesNotParseAsItsFileIsSkippedNotAnError() {
    ScanReport r = scan("docker-compose.yml.j2", """
        services:
          app:
        {{ services_block | indent(4) }}: [
        """);
    assertThat(r.diagnostics()).noneMatch(d -> d.kind() == Diagnostic.Kind.PARSE_ERROR);
    assertThat(r.diagnostics()).anyMatch(d -> d.kind() == Diagnostic.Kind.SKIPPED
        && d.message().contains("render it"));
  }

  @Test
  void aJinjaDefaultIsTheLiteralTheRenderedFileHolds() {
    String text = """
        db_host: "{{ db_host | default('localhost') }}"
        db_password: "{{ vault_db_password | default('Gx7qTr2mWp9z') }}"
        admin_password: {{ admin_password | d("plumtree77", true) }}
        api_token: "{{ lookup('env', 'API_TOKEN') | default('k3Jx9QpL2mRt7VbZ8wYc') }}"
        """;
    ScanReport r = scan("group_vars/all.yml", text);
    assertThat(secrets(r)).extracting(f -> f.location().line()).containsExactly(2, 3, 4);
    Finding password = secrets(r).get(0);
    assertThat(password.secret().redacted()).isEqualTo("********(12)");
    assertThat(password.location().column())
        .isEqualTo(text.lines().toList().get(1).indexOf("Gx7q") + 1);
  }

  @Test
  void aHelmDefaultIsTheLiteralTheRenderedManifestHolds() {
    ScanReport r = scan("chart/templates/deployment.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ .Release.Name }}
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: "registry.example/app@sha256:{{ .Values.digest }}"
                  env:
                    - name: DB_PASSWORD
                      value: {{ .Values.db.password | default "Vq8rT2zLx5Nn" | quote }}
                    - name: DB_USER
                      value: {{ default "shop" .Values.db.user }}
                    - name: ADMIN_PASSWORD
                      value: {{ default "Hk4mPz9sQw2e" .Values.admin.password | quote }}
        """);
    assertThat(secrets(r)).extracting(f -> f.location().line()).containsExactly(13, 17);
  }

  @Test
  void aDefaultThatIsNoLiteralOrAPlaceholderIsNoSecret() {
    ScanReport r = scan("group_vars/all.yml", """
        db_password: "{{ vault_db_password | default(omit) }}"
        root_password: "{{ root_password | default('changeme') }}"
        app_password: "{{ app_password }}"
        user_password: {{ .Values.password | default (randAlphaNum 16) | quote }}
        other_password: "{{ other_password | default(db_password) }}"
        """);
    assertThat(secrets(r)).isEmpty();
  }

  @Test
  void aKeycloakRealmInAChartTemplateIsReadPastItsDirectives() {
    ScanReport r = scan("chart/templates/realm-config.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {{ include "kc.fullname" . }}-realm
        data:
          realm.json: |-
            {
              "realm": "{{ .Values.realm }}",
              "enabled": {{ .Values.enabled | toJson }},
              "clients": [
                {{- if .Values.console.enabled }}
                {"clientId": "console", "secret": "{{ .Values.console.secret }}"},
                {{- end }}
                {"clientId": "orders", "secret": "T8vKq2ZpXw4LmR9s"},
              ]
            }
        """);
    assertThat(secrets(r)).extracting(f -> f.location().line()).containsExactly(14);
    assertThat(secrets(r).get(0).message()).contains("client secret in a Keycloak realm file");
  }

  @Test
  void aRealmInASecretsStringDataIsOneFindingPerSecretAtItsLine() {
    ScanReport r = scan("k8s/realm-secret.yaml", """
        apiVersion: v1
        kind: Secret
        metadata:
          name: realm
          namespace: auth
        stringData:
          realm.json: |
            {
              "realm": "shop",
              "clients": [
                {"clientId": "orders", "secret": "T8vKq2ZpXw4LmR9s"},
                {"clientId": "console", "secret": "**********",
                 "rootUrl": "https://console.example.com"}
              ],
              "users": [
                {"username": "ops", "credentials": [
                  {"type": "password", "value": "quincejam42"}
                ]}
              ]
            }
        """);
    assertThat(secrets(r)).extracting(f -> f.location().line()).containsExactly(11, 17);
    assertThat(secrets(r)).extracting(Finding::ruleId).containsOnly("IMP-K8S-045");
  }
}
