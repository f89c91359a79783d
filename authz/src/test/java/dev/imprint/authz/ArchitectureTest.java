package dev.imprint.authz;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The embeddable decider depends on no other Imprint module and on no framework. */
class ArchitectureTest {
  private static final JavaClasses AUTHZ = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.imprint.authz");

  @Test
  void theDeciderKnowsNoOtherImprintModule() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.imprint.server..",
        "dev.imprint.cli..", "dev.imprint.scan..", "dev.imprint.bench..").check(AUTHZ);
  }

  @Test
  void theDeciderNeedsOnlySnakeYamlAndTheJdk() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("com.fasterxml..",
        "io.javalin..", "org.slf4j..", "com.nimbusds..").check(AUTHZ);
  }
}
