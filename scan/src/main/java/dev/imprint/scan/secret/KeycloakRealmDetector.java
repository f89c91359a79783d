package dev.imprint.scan.secret;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.imprint.scan.SecretEvidence;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Credentials in a Keycloak realm export or import file (JSON): a user's
 * {@code "credentials": [{"type": "password", "value": "..."}]}, a client's {@code "secret"}, an
 * identity provider's {@code config.clientSecret} and a user federation's
 * {@code config.bindCredential}. Read with the realm's real structure: a {@code "value"} counts
 * only in a {@code credentials} entry of type password (exports hold hashes in
 * {@code secretData}, which is not reported), a {@code "secret"} only on an entry of
 * {@code clients}. Masked values ({@code "**********"}, what the admin console's partial export
 * writes) and references ({@code ${CLIENT_SECRET}}, {@code $(env:X)}) are placeholders.
 */
final class KeycloakRealmDetector implements SecretDetectors.Detector {
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
      .build();

  /** One open object or array, named by the field that holds it. */
  private static final class Frame {
    final String name;
    final boolean array;
    String type;
    String value;
    int offset;

    Frame(String name, boolean array) {
      this.name = name;
      this.array = array;
    }
  }

  @Override
  public String id() {
    return "keycloak-realm";
  }

  @Override
  public List<String> anchors() {
    return List.of();
  }

  @Override
  public boolean forFile(String lowerName) {
    return lowerName.endsWith(".json");
  }

  @Override
  public void find(String lowerName, String text, Consumer<SecretHit> out) {
    if (!lowerName.endsWith(".json") || !text.contains("\"realm\"")) {
      return;
    }
    try (JsonParser p = JSON.createParser(text)) {
      walk(p, out);
    } catch (IOException e) {
      // Not well-formed JSON: what was read before the error is reported, the line-based
      // detectors read the rest.
    }
  }

  private void walk(JsonParser p, Consumer<SecretHit> out) throws IOException {
    Deque<Frame> open = new ArrayDeque<>();
    for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
      switch (t) {
        case START_OBJECT, START_ARRAY -> open.push(new Frame(p.currentName(),
            t == JsonToken.START_ARRAY));
        case END_OBJECT -> {
          boolean credential = inside(open, "credentials");
          Frame done = open.pop();
          if (credential && "password".equals(done.type) && done.value != null
              && Secrets.isLiteralPassword(done.value)) {
            out.accept(hit("user password", done.value, done.offset, true));
          }
        }
        case END_ARRAY -> open.pop();
        case VALUE_STRING -> string(p, open, out);
        default -> { }
      }
    }
  }

  private void string(JsonParser p, Deque<Frame> open, Consumer<SecretHit> out)
      throws IOException {
    Frame top = open.peek();
    String name = p.currentName();
    String value = p.getText();
    int offset = (int) p.currentTokenLocation().getCharOffset() + 1;
    if (top == null) {
      return;
    }
    if (!top.array && inside(open, "credentials")) {
      if ("type".equals(name)) {
        top.type = value;
      } else if ("value".equals(name)) {
        top.value = value;
        top.offset = offset;
      }
    } else if (!top.array && "secret".equals(name) && inside(open, "clients")) {
      generated("client secret", value, offset, out);
    } else if (!top.array && "clientSecret".equals(name) && "config".equals(top.name)) {
      generated("identity provider client secret", value, offset, out);
    } else if (top.array && "bindCredential".equals(top.name)) {
      generated("LDAP bind credential", value, offset, out);
    }
  }

  /** Whether the innermost object sits directly in an array held by {@code field}. */
  private static boolean inside(Deque<Frame> open, String field) {
    var it = open.iterator();
    if (!it.hasNext()) {
      return false;
    }
    Frame object = it.next();
    if (object.array || !it.hasNext()) {
      return false;
    }
    Frame array = it.next();
    return array.array && field.equals(array.name);
  }

  private void generated(String kind, String value, int offset, Consumer<SecretHit> out) {
    if (value.length() >= 6 && !Secrets.isPlaceholder(value) && !Secrets.isTestMarker(value)) {
      out.accept(hit(kind, value, offset, false));
    }
  }

  private SecretHit hit(String kind, String value, int offset, boolean chosen) {
    return new SecretHit(kind + " in a Keycloak realm file", id(), offset,
        offset + value.length(), SecretEvidence.of(value), chosen);
  }
}
