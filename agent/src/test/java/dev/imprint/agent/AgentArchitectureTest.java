package dev.imprint.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The agent talks to the server over HTTP only: none of the server's code is on its path. */
class AgentArchitectureTest {
  @Test
  void theAgentUsesNoServerScannerOrCliCode() {
    JavaClasses agent = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.imprint.agent");
    noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.imprint.server..",
        "dev.imprint.scan..", "dev.imprint.cli..", "dev.imprint.authz..").check(agent);
  }
}
