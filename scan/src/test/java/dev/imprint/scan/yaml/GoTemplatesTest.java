package dev.imprint.scan.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Helm templates become YAML of the same lines, with what templates insert marked as such. */
class GoTemplatesTest {
  private static YamlMap read(String template) {
    String text = GoTemplates.neutralize(template, true);
    assertThat(text.split("\n", -1)).hasSameSizeAs(template.split("\n", -1));
    YamlReader.Result r = YamlReader.read(text);
    assertThat(r.problem()).as("%s", text).isNull();
    return r.documents().get(0).asMap();
  }

  @Test
  void controlLinesVanishAndBothBranchesAreRead() {
    YamlMap m = read("""
        {{- if .Values.enabled }}
        a: 1
        {{- else }}
        b: 2
        {{- end }}
        c: 3
        """);
    assertThat(m.keys()).containsExactly("a", "b", "c");
    assertThat(m.keyLine("c")).isEqualTo(6);
    assertThat(m.templated()).isFalse();
  }

  @Test
  void anInsertedBlockMarksItsMapAtTheIndentationItInsertsAt() {
    YamlMap m = read("""
        spec:
          securityContext:
            {{- toYaml .Values.podSecurityContext | nindent 4 }}
          hostNetwork: true
        """);
    assertThat(m.map("spec").map("securityContext").templated()).isTrue();
    assertThat(m.map("spec").map("securityContext").keys()).isEmpty();
    assertThat(m.map("spec").isTrue("hostNetwork")).isTrue();
    assertThat(m.map("spec").templated()).isFalse();
  }

  @Test
  void indentAddsToTheDirectivesColumnWhileNindentIsAbsolute() {
    YamlMap m = read("""
        spec:
          imagePullSecrets:
        {{ toYaml .Values.imagePullSecrets | indent 4 }}
          replicas: 2
        """);
    assertThat(m.map("spec").map("imagePullSecrets").templated()).isTrue();
    assertThat(m.map("spec").str("replicas")).isEqualTo("2");
  }

  @Test
  void anInsertAmongSequenceItemsBecomesAnItem() {
    YamlMap m = read("""
        containers:
          - name: app
            image: app:1
          {{- include "chart.sidecars" . | nindent 2 }}
          - name: proxy
            image: proxy:1
        """);
    YamlList containers = m.list("containers");
    assertThat(containers.templated()).isTrue();
    assertThat(containers.size()).isEqualTo(2);
  }

  @Test
  void inlineDirectivesBecomeSameLengthReferencesThatRulesTreatAsUnknown() {
    String line = "image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"";
    String out = GoTemplates.neutralize(line, true);
    assertThat(out).hasSameSizeAs(line).startsWith("image: \"${").doesNotContain("{{");
    YamlMap m = read("replicas: {{ .Values.replicaCount }}\nname: {{ include \"x\" . }}\n");
    assertThat(m.unknown("replicas")).isTrue();
    assertThat(((YamlScalar) m.get("name")).templated()).isTrue();
  }

  @Test
  void templateCommentsSpanningLinesVanish() {
    YamlMap m = read("""
        {{/*
        a comment: with: colons
        */}}
        a: 1
        """);
    assertThat(m.keys()).containsExactly("a");
    assertThat(m.keyLine("a")).isEqualTo(4);
  }

  @Test
  void jinjaStatementsAndCommentsVanishAndBothBranchesAreRead() {
    YamlMap m = read("""
        {% if debug | bool %}
        a: 1
        {%- else %}
        b: {{ b_value | default('x') }}
        {% endif %}
        {# a note: with a colon #}
        c: 3
        """);
    assertThat(m.keys()).containsExactly("a", "b", "c");
    assertThat(m.keyLine("c")).isEqualTo(7);
    assertThat(m.unknown("b")).isTrue();
    assertThat(GoTemplates.isTemplate("{% if x %}\na: 1\n{% endif %}\n")).isTrue();
  }

  @Test
  void anUnclosedJinjaOpeningIsText() {
    assertThat(GoTemplates.neutralize("a: \"{% not closed\"\nb: {{ x }}\n", true))
        .startsWith("a: \"{% not closed\"\nb: ${");
  }

  @Test
  void jsonIsReadAsJsonWithTabsAndPositions() {
    YamlReader.Result r =
        YamlReader.readJson("{\n\t\"a\": {\n\t\t\"b\": [true, \"x\", null]\n\t}\n}");
    assertThat(r.problem()).isNull();
    YamlMap a = r.documents().get(0).asMap().map("a");
    assertThat(a.keyLine("b")).isEqualTo(3);
    assertThat(a.keyColumn("b")).isEqualTo(3);
    YamlList b = a.list("b");
    assertThat(((YamlScalar) b.get(0)).isTrue()).isTrue();
    assertThat(((YamlScalar) b.get(1)).quoted()).isTrue();
    assertThat(b.get(2).text()).isNull();
    YamlReader.Result bad = YamlReader.readJson("{\n\t\"a\": [1,\n}");
    assertThat(bad.problem()).isNotNull();
    assertThat(bad.problem().line()).isEqualTo(3);
  }
}
