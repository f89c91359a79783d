package dev.imprint.scan.compose;

import dev.imprint.scan.yaml.YamlMap;
import java.util.List;

/**
 * A parsed docker-compose file: its services in document order and the top-level map.
 *
 * @param services every entry of the top-level {@code services:} map
 * @param root the whole document, for keys the typed model does not cover
 */
public record ComposeFile(List<ComposeService> services, YamlMap root) {
  public ComposeFile {
    services = List.copyOf(services);
  }
}
