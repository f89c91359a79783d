package dev.imprint.server.tls;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class TlsArchitectureTest {
  private static final JavaClasses SERVER = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.imprint.server");

  @Test
  void tlsKnowsOnlyPemFilesAndJettyNeverTheCapabilitiesOrTheStore() {
    noClasses().that().resideInAPackage("dev.imprint.server.tls..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.imprint.server.store..",
            "dev.imprint.server.auth..", "dev.imprint.server.audit..",
            "dev.imprint.server.http..", "io.javalin..")
        .check(SERVER);
  }
}
