package dev.imprint.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The estate's capabilities depend one way: images on identities, never the reverse. */
class EstateArchitectureTest {
  private static final JavaClasses SERVER = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.imprint.server");

  @Test
  void identitiesKnowNothingOfImagesOrFindings() {
    noClasses().that().resideInAPackage("dev.imprint.server.identity..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.imprint.server.image..",
            "dev.imprint.server.finding..")
        .check(SERVER);
  }

  @Test
  void findingsStandAlone() {
    noClasses().that().resideInAPackage("dev.imprint.server.finding..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.imprint.server.image..",
            "dev.imprint.server.identity..")
        .check(SERVER);
  }

  @Test
  void onlyRouteClassesTouchJavalinInTheEstate() {
    noClasses().that().resideInAnyPackage("dev.imprint.server.identity..",
            "dev.imprint.server.image..", "dev.imprint.server.finding..")
        .and().haveSimpleNameNotEndingWith("Routes")
        .should().dependOnClassesThat().resideInAPackage("io.javalin..").check(SERVER);
  }
}
