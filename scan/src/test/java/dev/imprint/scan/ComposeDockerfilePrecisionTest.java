package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compose and Dockerfile patterns that are right and were reported: a variable that points at
 * a mounted secret file, an image a service builds rather than pulls, and package versions
 * taken from ARG or ENV values.
 */
class ComposeDockerfilePrecisionTest {
  private static List<Finding> scan(String path, String text) {
    return Scanner.create(ScanSettings.defaults())
        .scanSources(List.of(SourceFile.of(path, text))).findings();
  }

  private static List<String> ids(List<Finding> all) {
    return all.stream().map(Finding::ruleId).toList();
  }

  @Test
  void aVariablePointingAtAMountedSecretFileIsNeverAFinding() {
    List<Finding> compose = scan("docker-compose.yml", """
        services:
          db:
            image: pg:16@sha256:0000000000000000000000000000000000000000000000000000000000000000
            environment:
              POSTGRES_PASSWORD_FILE: /run/secrets/db_password
              DB_PASSWORD: /run/secrets/db_password
            secrets: [db_password]
          web:
            image: web:1@sha256:0000000000000000000000000000000000000000000000000000000000000000
            environment:
              - API_TOKEN=/run/secrets/api_token
              - "REDIS_PASSWORD=/run/secrets/redis"
        secrets:
          db_password:
            environment: DB_PASSWORD
        """);
    assertThat(compose).noneMatch(f -> f.secret() != null);
    assertThat(ids(compose)).doesNotContain("IMP-COMPOSE-010");
    List<Finding> docker = scan("Dockerfile", """
        FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000
        ARG NPM_TOKEN=/run/secrets/npm_token
        ENV DB_PASSWORD=/run/secrets/db_password
        RUN --mount=type=secret,id=npm_token npm ci
        USER 10001
        """);
    assertThat(docker).noneMatch(f -> f.secret() != null);
    assertThat(ids(docker)).doesNotContain("IMP-DOCKER-007", "IMP-DOCKER-005");
    List<Finding> pod = scan("pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: shop}
        spec:
          containers:
            - name: c
              image: a:1
              env:
                - name: DB_PASSWORD
                  value: /run/secrets/db_password
                - name: REDIS_PASSWORD
                  value: /var/run/secrets/redis/password
        """);
    assertThat(ids(pod)).doesNotContain("IMP-K8S-005");
  }

  @Test
  void aServiceThatBuildsItsImageHasNothingToPin() {
    List<Finding> all = scan("compose.yaml", """
        services:
          web:
            build: .
          api:
            build:
              context: ./api
            image: registry.example.com/acme/api:${TAG:-latest}
          worker:
            build: ./worker
            image: acme/worker:1.0
          cache:
            build: ./cache
            image: acme/cache:1.0
            pull_policy: always
        """);
    assertThat(all).filteredOn(f -> f.ruleId().equals("IMP-COMPOSE-007")
        || f.ruleId().equals("IMP-COMPOSE-008"))
        .extracting(Finding::message).singleElement().asString().contains("'cache'");
  }

  @Test
  void aPackageVersionTakenFromAnArgOrEnvIsPinned() {
    List<Finding> all = scan("Dockerfile", """
        FROM debian:12@sha256:0000000000000000000000000000000000000000000000000000000000000000
        ARG CURL_VERSION=7.88.1-10+deb12u5
        ENV HTTPD_VERSION=2.4.57
        RUN apt-get update && apt-get install -y curl=${CURL_VERSION} && rm -rf /var/lib/apt/lists/*
        RUN yum install -y httpd-${HTTPD_VERSION} mod_ssl-$HTTPD_VERSION
        RUN dnf install -y nginx-${NGINX_VERSION} && apk add --no-cache "git=${GIT_VERSION}"
        RUN pip install "requests==${REQUESTS_VERSION}" && npm install -g yarn@$YARN_VERSION
        RUN zypper install -y vim=$VIM_VERSION && gem install bundler -v ${BUNDLER_VERSION}
        USER 10001
        """);
    assertThat(ids(all)).doesNotContain("IMP-DOCKER-018");
    // A package without any version is still reported.
    assertThat(ids(scan("Dockerfile", """
        FROM debian:12@sha256:0000000000000000000000000000000000000000000000000000000000000000
        RUN yum install -y httpd
        USER 10001
        """))).contains("IMP-DOCKER-018");
  }
}
