package dev.imprint.scan.secret;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.yaml.GoTemplates;
import dev.imprint.scan.yaml.YamlList;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import dev.imprint.scan.yaml.YamlReader;
import dev.imprint.scan.yaml.YamlScalar;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Credentials in a Keycloak realm export or import file, JSON or YAML (keycloak-config-cli,
 * a {@code KeycloakRealmImport}'s {@code spec.realm}, chart values; a YAML file is a realm's
 * when one of its keys names a realm): a user's
 * {@code "credentials": [{"type": "password", "value": "..."}]}, a client's {@code "secret"}, an
 * identity provider's {@code config.clientSecret}, a user federation's
 * {@code config.bindCredential}, the realm's {@code smtpServer.password}, and a user's OTP
 * seed (an import file's {@code value} of
 * type {@code totp}/{@code hotp}, an export's {@code secretData} of type {@code otp}). Read with the realm's real structure: a {@code "value"} counts
 * only in a {@code credentials} entry of type password (exports hold hashes in
 * {@code secretData}, which is not reported), a {@code "secret"} only on an entry of
 * {@code clients}. Masked values ({@code "**********"}, what the admin console's partial export
 * writes) and references ({@code ${CLIENT_SECRET}}, {@code $(env:X)}) are placeholders.
 */
final class KeycloakRealmDetector implements SecretDetectors.Detector {
  /** Credential types of one-time passwords: an export's and an import file's. */
  private static final Set<String> OTP_TYPES = Set.of("otp", "totp", "hotp");
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
      .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
      .enable(JsonReadFeature.ALLOW_MISSING_VALUES)
      .build();

  /**
   * A YAML key naming a realm ({@code realm:}, {@code realms:}, {@code realmImport:},
   * {@code keycloakRealm:}): without one, a YAML file's {@code clients} and
   * {@code credentials} are another tool's.
   */
  private static final Pattern YAML_REALM = Pattern.compile(
      "(?im)^[ \\t-]{0,80}[\"']?[A-Za-z0-9_.-]{0,60}realm[A-Za-z0-9_.-]{0,60}[\"']?[ \\t]*:");
  /** A key whose value the realm reader reports, before the YAML is parsed. */
  private static final Pattern YAML_CREDENTIAL = Pattern.compile(
      "(?m)^[ \\t-]{0,80}[\"']?(credentials|secret|clientSecret|bindCredential|smtpServer)"
          + "[\"']?[ \\t]*:");

  /** One open object or array, named by the field that holds it. */
  private static final class Frame {
    final String name;
    final boolean array;
    String type;
    String value;
    int offset;
    String secretData;
    int secretDataOffset;

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
    return lowerName.endsWith(".json") || EmbeddedDocuments.yaml(lowerName);
  }

  @Override
  public void find(String lowerName, String text, Consumer<SecretHit> out) {
    if (lowerName.endsWith(".json") && text.contains("\"realm\"")) {
      try (JsonParser p = JSON.createParser(withoutDirectives(text))) {
        walk(p, new Realm(text, out));
      } catch (IOException e) {
        // Not well-formed JSON: what was read before the error is reported, the line-based
        // detectors read the rest.
      }
    } else if (EmbeddedDocuments.yaml(lowerName) && YAML_REALM.matcher(text).find()
        && YAML_CREDENTIAL.matcher(text).find()) {
      yaml(text, new Realm(text, out));
    }
  }

  /**
   * A realm file that is a Helm or Jinja template ({@code stringData: realm.json: |-} in a
   * chart's {@code templates/}), made JSON of the same length: a directive in a value's place
   * (<code>"enabled": {{ .Values.on | toJson }}</code>) becomes a {@code 0}, one between members
   * or items ({@code {{- if }}}, {@code {{- range }}}) blanks, and one inside a string keeps its
   * braces, so the string stays a template, never a value; blanked loops and conditions leave
   * trailing commas, which the reader allows. Offsets, and so lines, are those of the text.
   */
  static String withoutDirectives(String text) {
    if (!text.contains("{{") && !text.contains("{%")) {
      return text;
    }
    StringBuilder out = new StringBuilder(text);
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
      if (c == '{' && (next == '{' || next == '%')) {
        int close = text.indexOf(next == '{' ? "}}" : "%}", i + 2);
        if (close < 0) {
          return out.toString();
        }
        boolean value = !inString && next == '{' && afterColon(text, i);
        for (int k = inString ? i + 2 : i; k < (inString ? close : close + 2); k++) {
          if (text.charAt(k) != '\n') {
            out.setCharAt(k, ' ');
          }
        }
        if (value) {
          out.setCharAt(i, '0');
        }
        i = close + 1;
      } else if (inString && c == '\\') {
        i++;
      } else if (c == '"') {
        inString = !inString;
      }
    }
    return out.toString();
  }

  /** Whether the last character before {@code at} that is not a space is a colon. */
  private static boolean afterColon(String text, int at) {
    for (int k = at - 1; k >= 0; k--) {
      if (!Character.isWhitespace(text.charAt(k))) {
        return text.charAt(k) == ':';
      }
    }
    return false;
  }

  private void walk(JsonParser p, Realm realm) throws IOException {
    for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
      switch (t) {
        case START_OBJECT, START_ARRAY -> realm.open(p.currentName(),
            t == JsonToken.START_ARRAY);
        case END_OBJECT, END_ARRAY -> realm.close();
        case VALUE_STRING -> realm.string(p.currentName(), p.getText(),
            (int) p.currentTokenLocation().getCharOffset() + 1);
        default -> { }
      }
    }
  }

  /**
   * A realm written as YAML (keycloak-config-cli's files, a {@code KeycloakRealmImport}'s
   * {@code spec.realm}, a chart's {@code realm:} values): the same structure as JSON, read
   * node by node; a chart's {@code {{ }}} values are placeholders.
   */
  private void yaml(String text, Realm realm) {
    YamlReader.Result parsed = GoTemplates.isTemplate(text) ? YamlReader.readTemplate(text)
        : YamlReader.read(text);
    int[] lineStarts = lineStarts(text);
    for (YamlNode doc : parsed.documents()) {
      node(doc, null, realm, text, lineStarts);
    }
  }

  private void node(YamlNode node, String name, Realm realm, String text, int[] lineStarts) {
    if (node instanceof YamlMap m) {
      realm.open(name, false);
      for (Map.Entry<String, YamlNode> e : m.entries().entrySet()) {
        node(e.getValue(), e.getKey(), realm, text, lineStarts);
      }
      realm.close();
    } else if (node instanceof YamlList l) {
      realm.open(name, true);
      for (YamlNode item : l) {
        node(item, null, realm, text, lineStarts);
      }
      realm.close();
    } else if (node instanceof YamlScalar s && s.value() != null && s.line() >= 1
        && s.line() <= lineStarts.length) {
      int at = lineStarts[s.line() - 1] + Math.max(0, s.column() - 1) + (s.quoted() ? 1 : 0);
      realm.string(name, s.value(), Math.min(at, text.length()));
    }
  }

  private static int[] lineStarts(String text) {
    int n = 1;
    for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      n++;
    }
    int[] starts = new int[n];
    int k = 1;
    for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      starts[k++] = i + 1;
    }
    return starts;
  }

  /** The objects and arrays open while one realm file is read, and what it reports. */
  private final class Realm {
    private final String text;
    private final Consumer<SecretHit> out;
    private final Deque<Frame> open = new ArrayDeque<>();

    Realm(String text, Consumer<SecretHit> out) {
      this.text = text;
      this.out = out;
    }

    void open(String name, boolean array) {
      open.push(new Frame(name, array));
    }

    void close() {
      if (open.isEmpty()) {
        return;
      }
      boolean credential = !open.peek().array && inside(open, "credentials");
      Frame done = open.pop();
      if (credential) {
        credential(text, done, out);
      }
    }

    /**
     * A string value of field {@code name} (null in an array) at {@code offset}: a
     * credential's part, a client's {@code secret}, an identity provider's
     * {@code config.clientSecret}, an LDAP federation's {@code bindCredential} (a list in an
     * export's component config, a string in an import), or the realm's
     * {@code smtpServer.password}, a password someone chose.
     */
    void string(String name, String value, int offset) {
      Frame top = open.peek();
      if (top == null) {
        return;
      }
      if (!top.array && inside(open, "credentials")) {
        if ("type".equals(name)) {
          top.type = value;
        } else if ("value".equals(name)) {
          top.value = value;
          top.offset = offset;
        } else if ("secretData".equals(name)) {
          top.secretData = value;
          top.secretDataOffset = offset;
        }
      } else if (!top.array && "secret".equals(name) && inside(open, "clients")) {
        generated("client secret", value, offset, out);
      } else if (!top.array && "clientSecret".equals(name) && "config".equals(top.name)) {
        generated("identity provider client secret", value, offset, out);
      } else if (top.array && "bindCredential".equals(top.name)
          || !top.array && "bindCredential".equals(name) && "config".equals(top.name)) {
        generated("LDAP bind credential", value, offset, out);
      } else if (!top.array && "password".equals(name) && "smtpServer".equals(top.name)
          && Secrets.isLiteralPassword(value)) {
        out.accept(hit("SMTP server password", value, offset, true));
      }
    }
  }

  /**
   * One entry of a user's {@code credentials}: a password's {@code value} (an import file's
   * clear text; an export's {@code secretData} is a hash), or an OTP credential's seed, which
   * Keycloak keeps in clear because it must compute the codes: an import file's {@code value}
   * (types {@code totp}, {@code hotp}) or an export's {@code secretData}
   * (<code>"{\"value\":\"SEED\"}"</code>, type {@code otp}). Whoever holds the seed makes
   * the user's second factor.
   */
  private void credential(String text, Frame done, Consumer<SecretHit> out) {
    if ("password".equals(done.type)) {
      if (done.value != null && Secrets.isLiteralPassword(done.value)) {
        out.accept(hit("user password", done.value, done.offset, true));
      }
    } else if (OTP_TYPES.contains(String.valueOf(done.type))) {
      if (done.value != null) {
        generated("OTP seed", done.value, done.offset, out);
      } else if (done.secretData != null) {
        String seed = seed(done.secretData);
        int at = seed == null ? -1 : text.indexOf(seed, done.secretDataOffset);
        if (at >= 0) {
          generated("OTP seed", seed, at, out);
        }
      }
    }
  }

  /** The {@code value} of an OTP credential's {@code secretData} (itself JSON), or null. */
  private static String seed(String secretData) {
    try (JsonParser p = JSON.createParser(secretData)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if ("value".equals(field) && v == JsonToken.VALUE_STRING) {
          return p.getText();
        }
        p.skipChildren();
      }
    } catch (IOException e) {
      // Not JSON: no seed.
    }
    return null;
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
