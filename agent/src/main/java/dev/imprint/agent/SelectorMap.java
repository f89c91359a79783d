package dev.imprint.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The operator's selector map: for processes that run outside a container (or in one whose image
 * the runtime does not show), which SPIFFE ID and image digest the operator vouches for, by the
 * process's uid, gid and executable path. Every selector an entry names must match; the first
 * matching entry wins. The server still issues only for an approved image carrying that
 * identity, and only identities the agent is granted.
 *
 * <pre>
 * selectors:
 *   - uid: 1000
 *     path: /usr/local/bin/payments
 *     spiffe_id: spiffe://prod.acme/payments/api
 *     image: sha256:...
 * </pre>
 */
final class SelectorMap {
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  /** One entry: the selectors (null: any) and what a matching process is. */
  record Entry(Integer uid, Integer gid, String path,
      @JsonProperty("spiffe_id") String spiffeId, String image) {
    boolean matches(PeerProcess p) {
      return (uid == null || uid == p.uid()) && (gid == null || gid == p.gid())
          && (path == null || p.executable().map(path::equals).orElse(false));
    }

    /** The selector that matched, for the record (never a secret). */
    String describe() {
      StringBuilder b = new StringBuilder();
      if (uid != null) {
        b.append("uid=").append(uid);
      }
      if (gid != null) {
        b.append(b.length() > 0 ? "," : "").append("gid=").append(gid);
      }
      if (path != null) {
        b.append(b.length() > 0 ? "," : "").append("path=").append(path);
      }
      return b.toString();
    }
  }

  private record File(List<Entry> selectors) {}

  private final List<Entry> entries;

  private SelectorMap(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** No entry: only containers whose image digest is visible are attested. */
  static SelectorMap empty() {
    return new SelectorMap(List.of());
  }

  /**
   * Reads a selector map file.
   *
   * @throws IllegalArgumentException naming the file and the entry for a malformed map
   */
  static SelectorMap read(Path file) {
    File f;
    try {
      ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
      f = yaml.readValue(Files.readAllBytes(file), File.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("selector map " + file + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("selector map " + file + " cannot be read: "
          + e.getMessage());
    }
    if (f == null || f.selectors() == null) {
      throw new IllegalArgumentException("selector map " + file + ": expected a 'selectors'"
          + " list, got none");
    }
    for (int i = 0; i < f.selectors().size(); i++) {
      Entry e = f.selectors().get(i);
      String where = "selector map " + file + ", entry " + (i + 1) + ": ";
      if (e.uid() == null && e.gid() == null && e.path() == null) {
        throw new IllegalArgumentException(where + "expected at least one of uid, gid, path;"
            + " an entry without selectors would vouch for every process");
      }
      if (e.spiffeId() == null || !e.spiffeId().startsWith("spiffe://")) {
        throw new IllegalArgumentException(where + "expected spiffe_id as spiffe://..., got "
            + e.spiffeId());
      }
      if (e.image() == null || !DIGEST.matcher(e.image()).matches()) {
        throw new IllegalArgumentException(where + "expected image as sha256:<64 lower-case"
            + " hex>, got " + e.image());
      }
      if (e.path() != null && !e.path().startsWith("/")) {
        throw new IllegalArgumentException(where + "expected an absolute path, got "
            + e.path());
      }
    }
    return new SelectorMap(f.selectors());
  }

  /** The first entry that matches {@code p}. */
  Optional<Entry> match(PeerProcess p) {
    return entries.stream().filter(e -> e.matches(p)).findFirst();
  }

  int size() {
    return entries.size();
  }
}
