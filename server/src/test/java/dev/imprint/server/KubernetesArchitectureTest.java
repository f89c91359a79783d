package dev.imprint.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes capability builds on the estate and workload identity, never the reverse, and
 * only its route class knows HTTP: its services raise domain errors with stable codes.
 */
class KubernetesArchitectureTest {
  private static final JavaClasses SERVER = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.imprint.server");

  @Test
  void nothingElseDependsOnKubernetes() {
    noClasses().that().resideInAnyPackage("dev.imprint.server.identity..",
            "dev.imprint.server.image..", "dev.imprint.server.auth..",
            "dev.imprint.server.svid..", "dev.imprint.server.attestation..",
            "dev.imprint.server.store..", "dev.imprint.server.audit..",
            "dev.imprint.server.http..")
        .should().dependOnClassesThat().resideInAPackage("dev.imprint.server.kubernetes..")
        .check(SERVER);
  }

  @Test
  void onlyTheRoutesKnowHttp() {
    noClasses().that().resideInAPackage("dev.imprint.server.kubernetes..")
        .and().haveSimpleNameNotEndingWith("Routes")
        .should().dependOnClassesThat().resideInAnyPackage("io.javalin..",
            "dev.imprint.server.http..")
        .check(SERVER);
  }
}
