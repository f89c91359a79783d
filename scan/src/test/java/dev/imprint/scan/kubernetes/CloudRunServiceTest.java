package dev.imprint.scan.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Cloud Run service is written as a Knative Service but runs in Google's sandbox, not in a
 * cluster: there is no pod security context, namespace, NetworkPolicy or mounted token to judge,
 * while its image, its secrets and the identity it runs as still matter.
 */
class CloudRunServiceTest {
  private static final String CLOUD_RUN = """
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata:
        name: api
        labels:
          cloud.googleapis.com/location: europe-west1
        annotations:
          run.googleapis.com/ingress: all
      spec:
        template:
          metadata:
            annotations:
              autoscaling.knative.dev/maxScale: '10'
          spec:
            containers:
              - image: europe-docker.pkg.dev/acme/api/api:latest
                env:
                  - name: DB_PASSWORD
                    value: Sup3rS3cretPassw0rd!x
      """;

  private static List<String> ids(String text) {
    return Scanner.create(ScanSettings.defaults())
        .scanSources(List.of(SourceFile.of("deploy/service.yaml", text))).findings().stream()
        .map(Finding::ruleId).toList();
  }

  @Test
  void clusterOnlyRulesDoNotJudgeACloudRunService() {
    List<String> ids = ids(CLOUD_RUN);
    assertThat(ids).doesNotContain("IMP-K8S-001", "IMP-K8S-011", "IMP-K8S-013", "IMP-K8S-014",
        "IMP-K8S-016", "IMP-K8S-020", "IMP-K8S-021", "IMP-K8S-042");
    // What the service runs, with which secret and as whom, still counts.
    assertThat(ids).contains("IMP-K8S-007", "IMP-K8S-005", "IMP-K8S-002");
  }

  @Test
  void aServiceAccountEmailOrARunAnnotationAloneMarksCloudRun() {
    String bySa = CLOUD_RUN.replace("    cloud.googleapis.com/location: europe-west1\n", "")
        .replace("    run.googleapis.com/ingress: all\n", "    owner: team-a\n")
        .replace("      containers:\n",
            "      serviceAccountName: api@acme.iam.gserviceaccount.com\n      containers:\n");
    assertThat(ids(bySa)).doesNotContain("IMP-K8S-014", "IMP-K8S-042").contains("IMP-K8S-007");
    String byAnnotation = CLOUD_RUN.replace("    cloud.googleapis.com/location: europe-west1\n",
        "    app: api\n");
    assertThat(ids(byAnnotation)).doesNotContain("IMP-K8S-014", "IMP-K8S-042");
  }

  @Test
  void aKnativeServiceInAClusterIsStillJudgedLikeADeployment() {
    String knative = CLOUD_RUN.replace("    cloud.googleapis.com/location: europe-west1\n",
        "    app: api\n").replace("    run.googleapis.com/ingress: all\n", "    owner: a\n");
    assertThat(ids(knative)).contains("IMP-K8S-014", "IMP-K8S-042", "IMP-K8S-001");
  }
}
