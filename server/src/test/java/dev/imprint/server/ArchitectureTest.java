package dev.imprint.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  private static final JavaClasses SERVER = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.imprint.server");

  @Test
  void serverNeverDependsOnTheCli() {
    noClasses().should().dependOnClassesThat().resideInAPackage("dev.imprint.cli..")
        .check(SERVER);
  }

  @Test
  void onlyTheHttpLayerAndRouteClassesTouchJavalin() {
    noClasses().that().resideInAnyPackage("dev.imprint.server.store..",
            "dev.imprint.server.audit..")
        .and().haveSimpleNameNotEndingWith("Routes")
        .should().dependOnClassesThat().resideInAPackage("io.javalin..").check(SERVER);
  }

  @Test
  void theStoreKnowsNoCapability() {
    noClasses().that().resideInAPackage("dev.imprint.server.store..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.imprint.server.auth..",
            "dev.imprint.server.audit..", "dev.imprint.server.http..")
        .check(SERVER);
  }
}
