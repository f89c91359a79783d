package dev.imprint.authz;

import java.io.StringReader;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads grant files (docs/grants.md) into validated {@link Grant}s: every error names its file,
 * line and column; a grant with an error is left out and the others are still checked, so one
 * run reports every problem. Structural warnings come from the lint of docs/grants.md.
 */
public final class GrantParser {
  /** The {@code apiVersion} of grant documents. */
  public static final String API_VERSION = "imprint.dev/v1";
  /** The {@code kind} of grant documents. */
  public static final String KIND = "Grants";
  static final int MAX_FILE_CHARS = 1 << 20;
  private static final Set<String> GRANT_KEYS = Set.of("id", "name", "subject", "effect",
      "resource", "actions", "privileges", "methods", "paths", "conditions");
  private static final Set<String> CONDITION_KEYS =
      Set.of("environment", "expires", "timeWindow", "imageApproved");
  private static final Set<String> WINDOW_KEYS = Set.of("days", "start", "end", "zone");
  private static final Map<String, DayOfWeek> DAYS = Map.of("mon", DayOfWeek.MONDAY, "tue",
      DayOfWeek.TUESDAY, "wed", DayOfWeek.WEDNESDAY, "thu", DayOfWeek.THURSDAY, "fri",
      DayOfWeek.FRIDAY, "sat", DayOfWeek.SATURDAY, "sun", DayOfWeek.SUNDAY);
  private static final Set<Tag> PLAIN_TAGS = Set.of(Tag.STR, Tag.INT, Tag.BOOL, Tag.FLOAT,
      Tag.NULL, Tag.TIMESTAMP, Tag.MAP, Tag.SEQ);

  private final boolean snapshot;
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private final List<Grant> grants = new ArrayList<>();
  private final Map<String, SourceLocation> ids = new HashMap<>();
  private long policyVersion;
  private String file;
  private String grantId;
  private boolean grantFailed;

  private GrantParser(boolean snapshot) {
    this.snapshot = snapshot;
  }

  /** Parses grant files, checks them and lints them. */
  public static GrantSet parse(List<GrantSource> sources) {
    GrantParser p = new GrantParser(false);
    for (GrantSource s : sources) {
      p.file(s);
    }
    return p.finish();
  }

  /** Parses one grant file. */
  public static GrantSet parse(String name, String text) {
    return parse(List.of(new GrantSource(name, text)));
  }

  /**
   * Parses a server's policy snapshot ({@code GET /v1/grants}): a grant document in JSON with a
   * top-level {@code policyVersion}.
   */
  public static GrantSet parseSnapshot(String json) {
    GrantParser p = new GrantParser(true);
    p.file(new GrantSource("GET /v1/grants", json));
    return p.finish();
  }

  private GrantSet finish() {
    if (diagnostics.stream().noneMatch(d -> d.severity() == Diagnostic.Severity.ERROR)) {
      diagnostics.addAll(GrantLint.lint(grants));
    }
    return new GrantSet(grants, policyVersion, diagnostics);
  }

  private void file(GrantSource source) {
    this.file = source.name();
    this.grantId = null;
    if (source.text().length() > MAX_FILE_CHARS) {
      error("grant.yaml", null, "expected a grant file of at most " + MAX_FILE_CHARS
          + " characters, got " + source.text().length());
      return;
    }
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    options.setNestingDepthLimit(20);
    options.setCodePointLimit(MAX_FILE_CHARS * 4);
    options.setAllowRecursiveKeys(false);
    Yaml yaml = new Yaml(options);
    try {
      for (Node doc : yaml.composeAll(new StringReader(source.text()))) {
        if (doc != null) {
          document(doc);
        }
      }
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      diagnostics.add(new Diagnostic(Diagnostic.Severity.ERROR, "grant.yaml",
          mark == null ? new SourceLocation(file, 1, 1) : loc(mark), null,
          "not valid YAML: " + String.valueOf(e.getProblem()).trim()));
    } catch (YAMLException e) {
      diagnostics.add(new Diagnostic(Diagnostic.Severity.ERROR, "grant.yaml",
          new SourceLocation(file, 1, 1), null, "not valid YAML: " + e.getMessage()));
    }
  }

  private void document(Node doc) {
    if (!plain(doc)) {
      return;
    }
    if (!(doc instanceof MappingNode root)) {
      error("grant.document", doc, "expected a mapping with apiVersion, kind and grants, got "
          + describe(doc));
      return;
    }
    Map<String, NodeTuple> keys = keys(root, "grant.document");
    if (keys == null) {
      return;
    }
    for (var e : keys.entrySet()) {
      boolean known = Set.of("apiVersion", "kind", "grants").contains(e.getKey())
          || snapshot && e.getKey().equals("policyVersion");
      if (!known) {
        error("grant.document", e.getValue().getKeyNode(), "unknown key '" + e.getKey()
            + "': a grant document has apiVersion, kind and grants");
      }
    }
    String apiVersion = requiredString(keys, "apiVersion", root, "grant.document");
    if (apiVersion != null && !apiVersion.equals(API_VERSION)) {
      error("grant.document", keys.get("apiVersion").getValueNode(), "expected apiVersion '"
          + API_VERSION + "', got '" + Syntax.shown(apiVersion) + "'");
    }
    String kind = requiredString(keys, "kind", root, "grant.document");
    if (kind != null && !kind.equals(KIND)) {
      error("grant.document", keys.get("kind").getValueNode(), "expected kind '" + KIND
          + "', got '" + Syntax.shown(kind) + "'");
    }
    if (snapshot && keys.containsKey("policyVersion")) {
      Node v = keys.get("policyVersion").getValueNode();
      String text = string(v, "grant.document");
      try {
        policyVersion = Long.parseLong(String.valueOf(text));
      } catch (NumberFormatException e) {
        error("grant.document", v, "expected policyVersion to be an integer, got '" + text + "'");
      }
    }
    NodeTuple list = keys.get("grants");
    if (list == null) {
      error("grant.document", root, "expected the key 'grants' (a list, possibly empty)");
      return;
    }
    if (!(list.getValueNode() instanceof SequenceNode seq)) {
      error("grant.document", list.getValueNode(), "expected 'grants' to be a list, got "
          + describe(list.getValueNode()));
      return;
    }
    for (Node item : seq.getValue()) {
      grantId = null;
      grantFailed = false;
      Grant g = grant(item);
      if (g != null && !grantFailed) {
        grants.add(g);
      }
    }
    grantId = null;
  }

  private Grant grant(Node node) {
    if (!plain(node)) {
      return null;
    }
    if (!(node instanceof MappingNode map)) {
      error("grant.field", node, "expected a grant (a mapping with id, subject, resource...),"
          + " got " + describe(node));
      return null;
    }
    Map<String, NodeTuple> keys = keys(map, "grant.field");
    if (keys == null) {
      return null;
    }
    String id = requiredString(keys, "id", map, "grant.field");
    if (id != null) {
      checkId(id, keys.get("id").getValueNode());
      grantId = id;
    }
    for (var e : keys.entrySet()) {
      if (!GRANT_KEYS.contains(e.getKey())) {
        error("grant.field", e.getValue().getKeyNode(), "unknown field '" + e.getKey()
            + "': a grant has " + new java.util.TreeSet<>(GRANT_KEYS));
      }
    }
    String name = optionalString(keys, "name");
    if (name != null && (name.length() > 200 || name.chars().anyMatch(Character::isISOControl))) {
      error("grant.field", keys.get("name").getValueNode(), "expected a name of at most 200"
          + " characters without control characters, got " + name.length() + " characters");
    }
    Effect effect = Effect.ALLOW;
    String effectText = optionalString(keys, "effect");
    if (effectText != null) {
      if (effectText.equals("allow") || effectText.equals("deny")) {
        effect = effectText.equals("deny") ? Effect.DENY : Effect.ALLOW;
      } else {
        error("grant.field", keys.get("effect").getValueNode(), "expected effect 'allow' or"
            + " 'deny', got '" + Syntax.shown(effectText) + "'");
      }
    }
    SubjectPattern subject = null;
    String subjectText = requiredString(keys, "subject", map, "grant.field");
    if (subjectText != null) {
      String err = Syntax.subjectPattern(subjectText);
      if (err != null) {
        error("grant.subject", keys.get("subject").getValueNode(), err);
      } else {
        subject = new SubjectPattern(subjectText, subjectText.endsWith("/*"));
      }
    }
    ResourcePattern resource = null;
    String resourceText = requiredString(keys, "resource", map, "grant.field");
    if (resourceText != null) {
      try {
        resource = Resources.parse(resourceText, true);
      } catch (AuthzException e) {
        error(e.code(), keys.get("resource").getValueNode(), e.detail());
      }
    }
    List<String> actions = list(keys, "actions");
    List<String> privileges = list(keys, "privileges");
    List<String> methods = list(keys, "methods");
    List<String> paths = list(keys, "paths");
    if (resource != null) {
      typeFields(resource.type(), keys, map, actions, privileges, methods, paths);
    }
    Conditions conditions = keys.containsKey("conditions")
        ? conditions(keys.get("conditions").getValueNode()) : Conditions.none();
    if (id == null || subject == null || resource == null || conditions == null || grantFailed) {
      return null;
    }
    return new Grant(id, name, effect, subject, resource, orEmpty(actions), orEmpty(privileges),
        orEmpty(methods), orEmpty(paths), conditions, loc(map.getStartMark()));
  }

  private void typeFields(String type, Map<String, NodeTuple> keys, MappingNode map,
      List<String> actions, List<String> privileges, List<String> methods, List<String> paths) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    fields.put("actions", actions);
    fields.put("privileges", privileges);
    fields.put("methods", methods);
    fields.put("paths", paths);
    Set<String> wanted = switch (type) {
      case "db" -> Set.of("privileges");
      case "http" -> Set.of("methods", "paths");
      case "net" -> Set.of();
      default -> Set.of("actions");
    };
    for (var e : fields.entrySet()) {
      String field = e.getKey();
      if (!wanted.contains(field) && keys.containsKey(field)) {
        error("grant.field", keys.get(field).getKeyNode(), "'" + field + "' does not belong to a "
            + type + ": grant" + (wanted.isEmpty() ? " (its only action is connect; port and"
            + " protocol are in the resource)" : "; it takes " + new java.util.TreeSet<>(wanted)));
      } else if (wanted.contains(field) && !keys.containsKey(field)) {
        error("grant.field", map, "a " + (type.equals("db") || type.equals("http")
            || type.equals("net") ? type + ":" : "named resource") + " grant needs '" + field
            + "'");
      } else if (wanted.contains(field) && e.getValue() != null) {
        Node node = keys.get(field).getValueNode();
        if (e.getValue().isEmpty()) {
          error("grant.field", node, "expected a non-empty list for '" + field + "'");
        }
        elements(field, e.getValue(), (SequenceNode) node);
      }
    }
  }

  private void elements(String field, List<String> values, SequenceNode node) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      Node at = node.getValue().get(i);
      if (!seen.add(v)) {
        error("grant.field", at, "'" + Syntax.shown(v) + "' appears twice in '" + field + "'");
        continue;
      }
      String err = switch (field) {
        case "actions" -> v.equals("*") ? null : Syntax.action(v);
        case "privileges" -> Syntax.privilege(v);
        case "methods" -> v.equals("*") ? null : Syntax.method(v);
        default -> Syntax.httpPath(v, true);
      };
      if (err != null) {
        error(field.equals("paths") ? "grant.path" : "grant.action", at, err);
      }
      if (v.equals("*") && values.size() > 1) {
        error("grant.action", at, "'*' already covers every " + field + "; list it alone");
      }
    }
  }

  private Conditions conditions(Node node) {
    if (!(node instanceof MappingNode map)) {
      error("grant.condition", node, "expected conditions to be a mapping, got "
          + describe(node));
      return null;
    }
    Map<String, NodeTuple> keys = keys(map, "grant.condition");
    if (keys == null) {
      return null;
    }
    for (var e : keys.entrySet()) {
      if (!CONDITION_KEYS.contains(e.getKey())) {
        error("grant.condition", e.getValue().getKeyNode(), "unknown condition '" + e.getKey()
            + "': conditions are " + new java.util.TreeSet<>(CONDITION_KEYS));
      }
    }
    List<String> environments = List.of();
    if (keys.containsKey("environment")) {
      Node env = keys.get("environment").getValueNode();
      environments = env instanceof ScalarNode ? single(string(env, "grant.condition"))
          : list(keys, "environment");
      environments = environments == null ? List.of() : environments;
      for (String e : environments) {
        if (Syntax.action(e) != null) {
          error("grant.condition", env, "expected environment names [a-z][a-z0-9._-]*, got '"
              + Syntax.shown(e) + "'");
        }
      }
      if (environments.isEmpty() || new HashSet<>(environments).size() != environments.size()) {
        error("grant.condition", env, "expected a non-empty list of distinct environments");
      }
    }
    Instant expires = null;
    if (keys.containsKey("expires")) {
      Node n = keys.get("expires").getValueNode();
      String text = string(n, "grant.condition");
      if (text != null) {
        try {
          expires = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
          error("grant.condition", n, "expected expires as an RFC 3339 instant with 'Z' or an"
              + " offset (2027-06-30T00:00:00Z), got '" + Syntax.shown(text) + "'");
        }
      }
    }
    TimeWindow window = keys.containsKey("timeWindow")
        ? window(keys.get("timeWindow").getValueNode()) : null;
    boolean imageApproved = false;
    if (keys.containsKey("imageApproved")) {
      Node n = keys.get("imageApproved").getValueNode();
      String text = string(n, "grant.condition");
      if ("true".equals(text)) {
        imageApproved = true;
      } else if (text != null) {
        error("grant.condition", n, "expected imageApproved: true (leave it out for no image"
            + " condition), got '" + Syntax.shown(text) + "'");
      }
    }
    return new Conditions(environments, expires, window, imageApproved);
  }

  private TimeWindow window(Node node) {
    if (!(node instanceof MappingNode map)) {
      error("grant.condition", node, "expected timeWindow to be a mapping of days, start, end,"
          + " zone, got " + describe(node));
      return null;
    }
    Map<String, NodeTuple> keys = keys(map, "grant.condition");
    if (keys == null) {
      return null;
    }
    for (var e : keys.entrySet()) {
      if (!WINDOW_KEYS.contains(e.getKey())) {
        error("grant.condition", e.getValue().getKeyNode(), "unknown key '" + e.getKey()
            + "' in timeWindow: it has days, start, end, zone");
      }
    }
    Set<DayOfWeek> days = EnumSet.allOf(DayOfWeek.class);
    if (keys.containsKey("days")) {
      List<String> names = list(keys, "days");
      days = EnumSet.noneOf(DayOfWeek.class);
      for (String d : names == null ? List.<String>of() : names) {
        DayOfWeek day = DAYS.get(d);
        if (day == null || !days.add(day)) {
          error("grant.condition", keys.get("days").getValueNode(), "expected distinct days of"
              + " mon, tue, wed, thu, fri, sat, sun, got '" + Syntax.shown(d) + "'");
        }
      }
      if (days.isEmpty()) {
        error("grant.condition", keys.get("days").getValueNode(), "expected at least one day");
        return null;
      }
    }
    LocalTime start = time(keys, "start", map);
    LocalTime end = time(keys, "end", map);
    ZoneId zone = ZoneId.of("UTC");
    if (keys.containsKey("zone")) {
      Node n = keys.get("zone").getValueNode();
      String z = string(n, "grant.condition");
      try {
        zone = ZoneId.of(String.valueOf(z));
      } catch (java.time.DateTimeException e) {
        error("grant.condition", n, "expected an IANA time zone such as Europe/Paris, got '"
            + Syntax.shown(String.valueOf(z)) + "'");
        return null;
      }
    }
    if (start == null || end == null) {
      return null;
    }
    if (!start.isBefore(end)) {
      error("grant.condition", map, "expected start before end, got " + start + " to " + end
          + " (a window across midnight is two grants)");
      return null;
    }
    return new TimeWindow(days, start, end, zone);
  }

  private LocalTime time(Map<String, NodeTuple> keys, String key, MappingNode map) {
    String text = requiredString(keys, key, map, "grant.condition");
    if (text == null) {
      return null;
    }
    if (text.matches("([01][0-9]|2[0-3]):[0-5][0-9]")) {
      return LocalTime.parse(text);
    }
    if (text.equals("24:00") && key.equals("end")) {
      return LocalTime.MAX;
    }
    error("grant.condition", keys.get(key).getValueNode(), "expected " + key + " as HH:MM"
        + " (24-hour), got '" + Syntax.shown(text) + "'");
    return null;
  }

  private void checkId(String id, Node node) {
    boolean ok = !id.isEmpty() && id.length() <= 128
        && (Character.isLowerCase(id.charAt(0)) || Character.isDigit(id.charAt(0)));
    for (int i = 0; ok && i < id.length(); i++) {
      char c = id.charAt(i);
      ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-';
    }
    if (!ok) {
      error("grant.id", node, "expected an id of 1 to 128 characters a-z 0-9 . _ - starting"
          + " with a letter or digit, got '" + Syntax.shown(id) + "'");
      return;
    }
    SourceLocation here = loc(node.getStartMark());
    SourceLocation first = ids.putIfAbsent(id, here);
    if (first != null) {
      error("grant.id", node, "the id '" + id + "' is already used at " + first);
    }
  }

  private Map<String, NodeTuple> keys(MappingNode map, String code) {
    Map<String, NodeTuple> keys = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      if (!plain(t.getKeyNode()) || !plain(t.getValueNode())) {
        continue;
      }
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        error(code, t.getKeyNode(), "expected a plain key, got " + describe(t.getKeyNode()));
        continue;
      }
      if (keys.putIfAbsent(k.getValue(), t) != null) {
        error(code, k, "the key '" + k.getValue() + "' appears twice");
      }
    }
    return keys;
  }

  private boolean plain(Node node) {
    if (node.getAnchor() != null) {
      error("grant.yaml", node, "YAML anchors and aliases are refused in grant files");
      return false;
    }
    if (!PLAIN_TAGS.contains(node.getTag())) {
      error("grant.yaml", node, "YAML tags are refused in grant files, got " + node.getTag());
      return false;
    }
    return true;
  }

  private String requiredString(Map<String, NodeTuple> keys, String key, Node parent,
      String code) {
    NodeTuple t = keys.get(key);
    if (t == null) {
      error(code, parent, "missing required field '" + key + "'");
      return null;
    }
    return string(t.getValueNode(), code);
  }

  private String optionalString(Map<String, NodeTuple> keys, String key) {
    NodeTuple t = keys.get(key);
    return t == null ? null : string(t.getValueNode(), "grant.field");
  }

  private String string(Node node, String code) {
    if (node instanceof ScalarNode s && s.getTag() != Tag.NULL) {
      return s.getValue();
    }
    error(code, node, "expected a string, got " + describe(node));
    return null;
  }

  private List<String> list(Map<String, NodeTuple> keys, String key) {
    NodeTuple t = keys.get(key);
    if (t == null) {
      return null;
    }
    if (!(t.getValueNode() instanceof SequenceNode seq)) {
      error("grant.field", t.getValueNode(), "expected '" + key + "' to be a list, got "
          + describe(t.getValueNode()));
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Node n : seq.getValue()) {
      if (!plain(n)) {
        return null;
      }
      String s = string(n, "grant.field");
      if (s == null) {
        return null;
      }
      out.add(s);
    }
    return out;
  }

  private static List<String> single(String s) {
    return s == null ? null : List.of(s);
  }

  private static List<String> orEmpty(List<String> l) {
    return l == null ? List.of() : l;
  }

  private static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (node.getTag() == Tag.NULL) {
      return "nothing (null)";
    }
    return "'" + Syntax.shown(((ScalarNode) node).getValue()) + "'";
  }

  private void error(String code, Node node, String message) {
    grantFailed = true;
    diagnostics.add(new Diagnostic(Diagnostic.Severity.ERROR, code,
        node == null ? new SourceLocation(file, 1, 1) : loc(node.getStartMark()), grantId,
        message));
  }

  private SourceLocation loc(Mark mark) {
    return new SourceLocation(file, mark.getLine() + 1, mark.getColumn() + 1);
  }
}
