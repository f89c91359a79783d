package dev.imprint.scan.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.ScanSettings;
import java.nio.file.Path;
import java.util.List;

/** Builds inventories of the cases under {@code src/test/resources/inventory}. */
final class Fixtures {
  static final Path ROOT = Path.of("src/test/resources/inventory");

  private Fixtures() {}

  /** The path the scanner reports for a file of a case, e.g. {@code oidc/infra/roles.tf}. */
  static String path(String relative) {
    return ROOT.toString().replace('\\', '/') + "/" + relative;
  }

  static Place place(String relative, int line) {
    return new Place(path(relative), line);
  }

  static Inventory of(String name, String repository) {
    return InventoryBuilder.build(List.of(ROOT.resolve(name)), ScanSettings.defaults(),
        repository);
  }

  static Inventory of(String name) {
    return of(name, null);
  }

  /** The only identity of a kind with this name. */
  static Identity named(Inventory inv, String kind, String name) {
    List<Identity> found = inv.ofKind(kind).stream().filter(i -> i.name().equals(name)).toList();
    assertThat(found).as("%s named %s in %s", kind, name, inv.identities()).hasSize(1);
    return found.get(0);
  }

  static List<Link> links(Inventory inv, String kind, String from, String to) {
    return inv.links().stream().filter(l -> l.kind().equals(kind) && l.from().equals(from)
        && l.to().equals(to)).toList();
  }
}
