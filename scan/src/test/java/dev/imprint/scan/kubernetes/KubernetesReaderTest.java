package dev.imprint.scan.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.SourceFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class KubernetesReaderTest {

  private static KubernetesReader.Result read(String name, String text) {
    return KubernetesReader.read(SourceFile.of(name, text));
  }

  @Test
  void readsEveryDocumentOfAStreamWithItsLine() {
    var r = read("all.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n"
        + "  namespace: shop\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n");
    assertThat(r.problem()).isNull();
    assertThat(r.objects()).extracting(KubernetesObject::kind)
        .containsExactly("ServiceAccount", "ConfigMap");
    assertThat(r.objects().get(0).namespace()).isEqualTo("shop");
    assertThat(r.objects().get(1).line()).isEqualTo(7);
    assertThat(r.objects().get(1).namespace()).isNull();
  }

  @Test
  void clusterScopedObjectsAreAddressedWithoutANamespace() {
    var r = read("rbac.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
        + "metadata:\n  name: admins\n---\napiVersion: rbac.authorization.k8s.io/v1\n"
        + "kind: RoleBinding\nmetadata:\n  name: readers\n");
    assertThat(r.objects()).extracting(KubernetesObject::address)
        .containsExactly("ClusterRoleBinding/admins", "RoleBinding/default/readers");
  }

  @Test
  void expandsTheItemsOfAList() {
    var r = read("list.yaml", "apiVersion: v1\nkind: List\nitems:\n"
        + "  - apiVersion: v1\n    kind: Service\n    metadata: {name: a}\n"
        + "  - apiVersion: v1\n    kind: Secret\n    metadata: {name: b}\n");
    assertThat(r.objects()).extracting(KubernetesObject::name).containsExactly("a", "b");
    assertThat(r.objects().get(1).line()).isEqualTo(7);
  }

  @Test
  void readsJsonManifests() {
    var r = read("pod.json", "{\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n"
        + " \"metadata\": {\"name\": \"p\", \"labels\": {\"app\": \"x\"}},\n"
        + " \"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"nginx\"}]}}\n");
    assertThat(r.objects()).hasSize(1);
    assertThat(r.objects().get(0).labels()).containsEntry("app", "x");
    assertThat(r.objects().get(0).containers()).extracting(KubernetesObject.Container::name)
        .containsExactly("c");
  }

  @Test
  void extractsTheCronJobPodTemplateAndAllContainerKinds() {
    var r = read("cron.yaml", "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\n"
        + "spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
        + "          securityContext: {runAsUser: 2000}\n"
        + "          initContainers: [{name: init, image: a}]\n"
        + "          containers:\n            - name: main\n              image: b\n"
        + "              securityContext: {runAsUser: 3000}\n");
    var cs = r.objects().get(0).containers();
    assertThat(cs).extracting(KubernetesObject.Container::name).containsExactly("main", "init");
    assertThat(cs.get(0).securityValue("runAsUser").text()).isEqualTo("3000");
    assertThat(cs.get(1).securityValue("runAsUser").text()).isEqualTo("2000");
  }

  @Test
  void ignoresYamlThatIsNotKubernetes() {
    assertThat(read("docker-compose.yml", "services:\n  web:\n    image: nginx\n").objects())
        .isEmpty();
    assertThat(read("values.yaml", "kind: thing\nreplicas: 2\n").objects()).isEmpty();
    assertThat(read("ci.yml", "apiVersion: 2\nname: x\n").objects()).isEmpty();
  }

  @Test
  void reportsAMalformedManifestWithItsLine() {
    var r = read("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n");
    assertThat(r.objects()).isEmpty();
    assertThat(r.problem()).isNotNull();
    assertThat(r.problem().kind()).isEqualTo(Diagnostic.Kind.PARSE_ERROR);
    assertThat(r.problem().location().line()).isGreaterThanOrEqualTo(4);
  }

  @Test
  void saysWhyAHelmTemplateThatStillDoesNotParseWasSkipped() {
    var r = read("deploy.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n"
        + "  name: {{ .Values.name }}\n{{- if .Values.x }}\n  labels: [\n{{- end }}\n");
    assertThat(r.problem()).isNotNull();
    assertThat(r.problem().kind()).isEqualTo(dev.imprint.scan.Diagnostic.Kind.SKIPPED);
    assertThat(r.problem().message()).contains("template").contains("helm template");
    assertThat(r.objects()).isEmpty();
  }

  @Test
  void readsAHelmTemplateLineForLine() {
    var r = read("templates/deploy.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n"
        + "  name: {{ .Values.name }}\n  {{- if .Values.x }}\n  labels:\n"
        + "    {{- include \"x.labels\" . | nindent 4 }}\n  {{- end }}\nspec:\n"
        + "  containers: []\n");
    assertThat(r.problem()).isNull();
    assertThat(r.objects()).singleElement().satisfies(o -> {
      assertThat(o.name()).isEqualTo("{{ .Values.name }}");
      assertThat(o.node().keyLine("spec")).isEqualTo(9);
      assertThat(o.node().map("metadata").map("labels").templated()).isTrue();
    });
  }

  @Test
  @Timeout(10)
  void boundsAnAliasBombAndDeepNesting() {
    StringBuilder bomb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\na0: &a0 [x, x]\n");
    for (int i = 1; i < 30; i++) {
      bomb.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1)
          .append(", *a").append(i - 1).append("]\n");
    }
    var r = read("bomb.yaml", bomb.toString());
    assertThat(r.problem()).isNotNull();
    String deep = "apiVersion: v1\nkind: ConfigMap\ndata: " + "[".repeat(50_000) + "\n";
    assertThat(read("deep.yaml", deep).problem()).isNotNull();
  }
}
