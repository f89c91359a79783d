package dev.imprint.server.finding;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.text.FreeText;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The inventory an upload carries, validated: the document of {@code imprint inventory --format
 * json} ({@code schemaVersion} 1, docs/inventory.md), bounded, with every embedded credential
 * named only by its redacted form and identified by its fingerprint.
 */
record UploadedInventory(List<Nhi> identities, List<NhiLink> links) {
  /** Most identities one inventory may hold. */
  static final int MAX_IDENTITIES = 10_000;
  /** Most links one inventory may hold. */
  static final int MAX_LINKS = 50_000;
  /** Most entries in one identity's list (permissions, details, ...). */
  static final int MAX_LIST = 1_000;
  private static final Set<String> TOP_LEVEL = Set.of("schemaVersion", "summary", "identities",
      "links");
  private static final Pattern KEBAB = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  private static final Pattern SECRET_ID = Pattern.compile("secret:([0-9a-f]{16,64})");
  /** A credential's kind, a space, then Imprint's redacted form: {@code AWS key AKIA****(20)}. */
  private static final Pattern REDACTED_NAME =
      Pattern.compile("(?s)[^*]{1,200} .{0,8}\\*{4,8}\\(\\d{1,9}\\)");
  static final String EMBEDDED = "embedded-credential";

  /** One identity as stored. */
  record Nhi(String id, String kind, String name, String path, int line, String access,
      String credential, List<String> permissions, List<String> trustedBy, List<String> usedBy,
      List<String> flags, List<String> details) {
    /** The secret fingerprint of an embedded credential, else null. */
    String secretFingerprint() {
      return kind.equals(EMBEDDED) ? id.substring("secret:".length()) : null;
    }
  }

  /** One link as stored. */
  record NhiLink(String kind, String from, String to, String fromPath, int fromLine,
      String toPath, int toLine, String reason) {}

  UploadedInventory {
    identities = List.copyOf(identities);
    links = List.copyOf(links);
  }

  /** The validated inventory, or a 400 problem naming the first thing wrong with it. */
  static UploadedInventory parse(JsonNode doc) {
    if (!doc.isObject()) {
      throw invalid("expected 'inventory' to be the JSON object 'imprint inventory --format json'"
          + " writes, got " + doc.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    Set<String> unknown = new TreeSet<>();
    doc.fieldNames().forEachRemaining(unknown::add);
    unknown.removeAll(TOP_LEVEL);
    if (!unknown.isEmpty()) {
      throw ApiProblem.badRequest("request.unknown_field", "unknown field 'inventory."
          + unknown.iterator().next() + "'; expected one of identities, links, schemaVersion,"
          + " summary");
    }
    if (!doc.path("schemaVersion").isIntegralNumber() || doc.path("schemaVersion").asInt() != 1) {
      throw ApiProblem.badRequest("inventory.schema_unsupported", "expected an inventory with"
          + " schemaVersion 1, got schemaVersion " + doc.path("schemaVersion"));
    }
    if (doc.has("summary") && !doc.get("summary").isObject()) {
      throw invalid("expected inventory.summary to be an object");
    }
    JsonNode ids = array(doc.path("identities"), "inventory.identities");
    JsonNode links = array(doc.path("links"), "inventory.links");
    if (ids.size() > MAX_IDENTITIES) {
      throw ApiProblem.badRequest("inventory.too_large", "expected at most " + MAX_IDENTITIES
          + " identities, got " + ids.size());
    }
    if (links.size() > MAX_LINKS) {
      throw ApiProblem.badRequest("inventory.too_large", "expected at most " + MAX_LINKS
          + " links, got " + links.size());
    }
    List<Nhi> nhis = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      nhis.add(identity(ids.get(i), "inventory.identities[" + i + "]"));
    }
    List<NhiLink> out = new ArrayList<>();
    for (int i = 0; i < links.size(); i++) {
      out.add(link(links.get(i), "inventory.links[" + i + "]"));
    }
    for (int i = 0; i < nhis.size(); i++) {
      noSecretIn(nhis.get(i), "inventory.identities[" + i + "]");
    }
    for (int i = 0; i < out.size(); i++) {
      noSecret(out.get(i).reason(), "inventory.links[" + i + "].reason");
    }
    return new UploadedInventory(nhis, out);
  }

  private static Nhi identity(JsonNode n, String at) {
    object(n, at);
    String id = text(n.path("id"), at + ".id", 512, true);
    String kind = kebab(n.path("kind"), at + ".kind");
    String name = text(n.path("name"), at + ".name", 512, true);
    if (kind.equals(EMBEDDED)) {
      // the scanner names a credential by its kind and redacted form; anything else may be the
      // value itself, which must never reach the store (nor this problem's detail)
      if (!REDACTED_NAME.matcher(name).matches()) {
        throw ApiProblem.badRequest("inventory.secret_not_redacted", "expected " + at
            + ".name to be the credential's kind and Imprint's redacted form (at most four"
            + " characters, asterisks and the length, e.g. AWS access key AKIA********(20));"
            + " the value given is not redacted and was not stored");
      }
      if (!SECRET_ID.matcher(id).matches()) {
        throw invalid("expected " + at + ".id of an embedded credential to be secret: and its"
            + " fingerprint of 16 to 64 lower-case hex digits");
      }
    }
    JsonNode loc = n.path("location");
    object(loc, at + ".location");
    List<String> flags = list(n.path("flags"), at + ".flags", 64);
    for (int i = 0; i < flags.size(); i++) {
      if (!KEBAB.matcher(flags.get(i)).matches()) {
        throw invalid("expected " + at + ".flags[" + i + "] in kebab case (e.g."
            + " long-lived-access-key)");
      }
    }
    return new Nhi(id, kind, name, text(loc.path("path"), at + ".location.path", 4096, true),
        line(loc.path("line"), at + ".location.line"),
        text(n.path("access"), at + ".access", 32, false),
        text(n.path("credential"), at + ".credential", 64, false),
        list(n.path("permissions"), at + ".permissions", 4096),
        list(n.path("trustedBy"), at + ".trustedBy", 4096),
        list(n.path("usedBy"), at + ".usedBy", 4096), flags,
        list(n.path("details"), at + ".details", 4096));
  }

  /**
   * The scanner writes no secret into an inventory; a client that does (a bug, or a tampered
   * document) must not get one stored. Every free-text field goes through the scanner's own
   * detectors of known credential formats. The generic name-and-entropy heuristic is left out:
   * it takes the inventory's own {@code secret:<fingerprint>} ids for secrets.
   */
  private static void noSecretIn(Nhi n, String at) {
    if (!n.kind().equals(EMBEDDED)) {
      noSecret(n.name(), at + ".name");
    }
    noSecret(n.permissions(), at + ".permissions");
    noSecret(n.trustedBy(), at + ".trustedBy");
    noSecret(n.usedBy(), at + ".usedBy");
    noSecret(n.details(), at + ".details");
  }

  private static void noSecret(List<String> texts, String at) {
    for (int i = 0; i < texts.size(); i++) {
      noSecret(texts.get(i), at + "[" + i + "]");
    }
  }

  private static void noSecret(String text, String at) {
    UnredactedSecrets.refuse(text, at, "inventory.secret_not_redacted");
  }

  private static NhiLink link(JsonNode n, String at) {
    object(n, at);
    JsonNode from = n.path("fromLocation");
    JsonNode to = n.path("toLocation");
    object(from, at + ".fromLocation");
    object(to, at + ".toLocation");
    return new NhiLink(kebab(n.path("kind"), at + ".kind"),
        text(n.path("from"), at + ".from", 512, true), text(n.path("to"), at + ".to", 512, true),
        text(from.path("path"), at + ".fromLocation.path", 4096, true),
        line(from.path("line"), at + ".fromLocation.line"),
        text(to.path("path"), at + ".toLocation.path", 4096, true),
        line(to.path("line"), at + ".toLocation.line"),
        text(n.path("reason"), at + ".reason", 4096, false));
  }

  private static void object(JsonNode n, String at) {
    if (!n.isObject()) {
      throw invalid("expected " + at + " to be an object");
    }
  }

  private static JsonNode array(JsonNode n, String at) {
    if (!n.isArray()) {
      throw invalid("expected " + at + " to be an array");
    }
    return n;
  }

  private static String kebab(JsonNode n, String at) {
    String s = text(n, at, 64, true);
    if (!KEBAB.matcher(s).matches()) {
      throw invalid("expected " + at + " in kebab case (e.g. aws-iam-user)");
    }
    return s;
  }

  private static int line(JsonNode n, String at) {
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 0) {
      throw invalid("expected " + at + " to be a line number (0 or more)");
    }
    return n.asInt();
  }

  private static List<String> list(JsonNode n, String at, int max) {
    if (n.isMissingNode() || n.isNull()) {
      return List.of();
    }
    array(n, at);
    if (n.size() > MAX_LIST) {
      throw ApiProblem.badRequest("inventory.too_large", "expected at most " + MAX_LIST
          + " entries in " + at + ", got " + n.size());
    }
    List<String> out = new ArrayList<>();
    Iterator<JsonNode> it = n.elements();
    for (int i = 0; it.hasNext(); i++) {
      out.add(text(it.next(), at + "[" + i + "]", max, true));
    }
    return out;
  }

  private static String text(JsonNode n, String at, int max, boolean required) {
    if (n.isMissingNode() || n.isNull()) {
      if (required) {
        throw invalid("expected " + at + ", got none");
      }
      return "";
    }
    if (!n.isTextual()) {
      throw invalid("expected " + at + " to be text of at most " + max + " characters");
    }
    return FreeText.check(n.asText(), at, max, "inventory.invalid");
  }

  private static ApiProblem invalid(String detail) {
    return ApiProblem.badRequest("inventory.invalid", detail);
  }
}
