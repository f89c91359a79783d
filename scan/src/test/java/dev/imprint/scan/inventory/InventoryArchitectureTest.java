package dev.imprint.scan.inventory;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The inventory is a library the CLI calls, never the other way round. */
class InventoryArchitectureTest {
  static final JavaClasses INVENTORY = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.imprint.scan.inventory");

  @Test
  void inventoryDoesNotDependOnTheCli() {
    noClasses().that().resideInAPackage("dev.imprint.scan.inventory..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.imprint.cli..", "picocli..")
        .check(INVENTORY);
  }

  @Test
  void sharedReadersDoNotDependOnTheInventory() {
    noClasses().that().resideOutsideOfPackage("dev.imprint.scan.inventory..")
        .should().dependOnClassesThat().resideInAPackage("dev.imprint.scan.inventory..")
        .check(new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.imprint.scan"));
  }
}
