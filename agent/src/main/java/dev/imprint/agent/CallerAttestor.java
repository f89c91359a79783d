package dev.imprint.agent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Attests a Workload API caller from its process: a container whose runtime shows the image
 * digest it runs is that image (the server knows which identity the image carries); otherwise
 * the first matching entry of the operator's selector map names the identity and image.
 */
final class CallerAttestor {
  /**
   * A caller attested: the image it runs, the identity when the selector map names one (else
   * the image's), and facts for the server's record.
   */
  record Caller(String image, Optional<String> spiffeId, Map<String, String> facts) {
    /** The cache key of what this caller is issued. */
    String key() {
      return image + " " + spiffeId.orElse("");
    }
  }

  private final ContainerRuntimes runtimes;
  private final SelectorMap selectors;

  CallerAttestor(ContainerRuntimes runtimes, SelectorMap selectors) {
    this.runtimes = runtimes;
    this.selectors = selectors;
  }

  /** The caller {@code p} is, if it can be attested. */
  Optional<Caller> attest(PeerProcess p) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("pid", Integer.toString(p.pid()));
    facts.put("uid", Integer.toString(p.uid()));
    facts.put("gid", Integer.toString(p.gid()));
    Optional<ContainerRuntimes.Container> c = runtimes.of(p.pid());
    if (c.isPresent()) {
      facts.put("container", c.get().id().substring(0, 12));
      if (c.get().imageDigest().isPresent()) {
        facts.put("runtime", c.get().runtime());
        return Optional.of(new Caller(c.get().imageDigest().get(), Optional.empty(),
            Map.copyOf(facts)));
      }
    }
    return selectors.match(p).map(e -> {
      String d = e.describe().replaceAll("[^A-Za-z0-9._:/@+=,-]", "_");
      facts.put("selector", d.length() > 200 ? d.substring(0, 200) : d);
      return new Caller(e.image(), Optional.of(e.spiffeId()), Map.copyOf(facts));
    });
  }
}
