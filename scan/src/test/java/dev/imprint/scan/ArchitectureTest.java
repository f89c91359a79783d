package dev.imprint.scan;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The scanner's boundaries: no server or CLI code, and readers that do not know each other. */
class ArchitectureTest {
  static final JavaClasses SCAN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.imprint.scan");

  @Test
  void scannerNeverSeesServerOrCli() {
    noClasses().that().resideInAPackage("dev.imprint.scan..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.imprint.server..",
            "dev.imprint.cli..", "picocli..")
        .check(SCAN);
  }

  @Test
  void sharedReadersDoNotDependOnAnalyzers() {
    noClasses().that().resideInAnyPackage("dev.imprint.scan.yaml..", "dev.imprint.scan.secret..",
        "dev.imprint.scan.shell..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.imprint.scan.dockerfile..",
            "dev.imprint.scan.kubernetes..", "dev.imprint.scan.terraform..",
            "dev.imprint.scan.aws..", "dev.imprint.scan.compose..", "dev.imprint.scan.ci..",
            "dev.imprint.scan.packer..", "dev.imprint.scan.gcp..", "dev.imprint.scan.azure..")
        .check(SCAN);
  }

  @Test
  void theTerraformReaderKnowsNoProviderAndProvidersDoNotKnowEachOther() {
    noClasses().that().resideInAPackage("dev.imprint.scan.terraform..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.imprint.scan.aws..",
            "dev.imprint.scan.gcp..", "dev.imprint.scan.azure..")
        .check(SCAN);
    noClasses().that().resideInAPackage("dev.imprint.scan.gcp..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.imprint.scan.aws..",
            "dev.imprint.scan.azure..")
        .check(SCAN);
    noClasses().that().resideInAPackage("dev.imprint.scan.azure..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.imprint.scan.aws..",
            "dev.imprint.scan.gcp..")
        .check(SCAN);
  }
}
