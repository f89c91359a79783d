package dev.imprint.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Workload identity depends one way: keys below the bundle and the issuer, the issuer below the
 * attestors; the estate (identities, images) never depends on any of them, and only route
 * classes touch Javalin.
 */
class IdentityArchitectureTest {
  private static final JavaClasses SERVER = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.imprint.server");

  @Test
  void keysKnowNothingOfWhatTheySign() {
    noClasses().that().resideInAPackage("dev.imprint.server.keys..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.imprint.server.svid..",
            "dev.imprint.server.bundle..", "dev.imprint.server.attestation..")
        .check(SERVER);
  }

  @Test
  void theIssuerKnowsNoAttestor() {
    noClasses().that().resideInAnyPackage("dev.imprint.server.svid..",
            "dev.imprint.server.bundle..")
        .should().dependOnClassesThat().resideInAPackage("dev.imprint.server.attestation..")
        .check(SERVER);
  }

  @Test
  void theEstateKnowsNothingOfWorkloadIdentity() {
    noClasses().that().resideInAnyPackage("dev.imprint.server.identity..",
            "dev.imprint.server.image..", "dev.imprint.server.auth..",
            "dev.imprint.server.store..", "dev.imprint.server.audit..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.imprint.server.svid..",
            "dev.imprint.server.keys..", "dev.imprint.server.bundle..",
            "dev.imprint.server.attestation..")
        .check(SERVER);
  }

  @Test
  void onlyRouteClassesTouchJavalin() {
    noClasses().that().resideInAnyPackage("dev.imprint.server.svid..",
            "dev.imprint.server.keys..", "dev.imprint.server.bundle..",
            "dev.imprint.server.attestation..")
        .and().haveSimpleNameNotEndingWith("Routes")
        .should().dependOnClassesThat().resideInAPackage("io.javalin..").check(SERVER);
  }
}
