package dev.imprint.authz;

/** Parses resources and patterns, and gives the index keys a pattern or a resource has. */
final class Resources {
  private static final String DB_PREFIX = "db:postgres://";

  private Resources() {}

  static ResourcePattern parse(String text, boolean pattern) {
    if (text == null || text.isEmpty()) {
      throw invalid("expected a resource <type>:<name>, got none");
    }
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw invalid("expected a resource <type>:<name>, got '" + Syntax.shown(text) + "'");
    }
    String type = text.substring(0, colon);
    String typeErr = type(type);
    if (typeErr != null) {
      throw invalid(typeErr);
    }
    return switch (type) {
      case "db" -> db(text, pattern);
      case "net" -> net(text, pattern);
      case "http" -> http(text, pattern);
      default -> named(text, type, text.substring(colon + 1), pattern);
    };
  }

  private static String type(String type) {
    if (type.length() > 32 || !(type.charAt(0) >= 'a' && type.charAt(0) <= 'z')) {
      return "expected a resource type [a-z][a-z0-9-]* of at most 32 characters, got '"
          + Syntax.shown(type) + "'";
    }
    for (int i = 1; i < type.length(); i++) {
      char c = type.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
        return "expected a resource type [a-z][a-z0-9-]*, got " + Syntax.describe(c) + " in '"
            + Syntax.shown(type) + "'";
      }
    }
    return null;
  }

  private static DbResource db(String text, boolean pattern) {
    if (!text.startsWith(DB_PREFIX)) {
      throw invalid("expected db:postgres://<server>/<database>[/<schema>], got '"
          + Syntax.shown(text) + "'");
    }
    String rest = text.substring(DB_PREFIX.length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      throw invalid("expected a database after the server in '" + Syntax.shown(text) + "'");
    }
    String server = rest.substring(0, slash);
    String host = server;
    int port = 0;
    int c = server.lastIndexOf(':');
    if (c >= 0) {
      host = server.substring(0, c);
      port = port(server.substring(c + 1), text);
    }
    hostName(host, text);
    String[] parts = rest.substring(slash + 1).split("/", -1);
    if (parts.length > 2) {
      throw invalid("expected at most <database>/<schema> after the server, got '"
          + Syntax.shown(text) + "'");
    }
    String database = parts[0];
    String schema = parts.length == 2 ? parts[1] : null;
    if (database.equals("*")) {
      if (!pattern || schema != null) {
        throw invalid(pattern ? "after a '*' database nothing may follow; got '"
            + Syntax.shown(text) + "'" : wildcardInRequest(text));
      }
    } else {
      identifier(database, "database", text);
    }
    if ("*".equals(schema)) {
      if (!pattern) {
        throw invalid(wildcardInRequest(text));
      }
    } else if (schema != null) {
      identifier(schema, "schema", text);
    }
    return new DbResource(text, host, port, database, schema);
  }

  private static void identifier(String id, String what, String text) {
    if (!Syntax.pgIdentifier(id)) {
      throw invalid("expected a " + what + " name of 1 to 63 characters [a-z_][a-z0-9_$]*"
          + " (upper case is refused, not folded), got '" + Syntax.shown(id) + "' in '"
          + Syntax.shown(text) + "'");
    }
  }

  private static void hostName(String host, String text) {
    boolean ok = !host.isEmpty() && host.length() <= 253 && host.charAt(0) != '.'
        && host.charAt(0) != '-' && !host.endsWith(".") && !host.contains("..");
    for (int i = 0; ok && i < host.length(); i++) {
      char ch = host.charAt(i);
      ok = ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '-';
    }
    if (!ok) {
      throw invalid("expected a lower-case host name of a-z, 0-9, '.' and '-', got '"
          + Syntax.shown(host) + "' in '" + Syntax.shown(text) + "'");
    }
  }

  private static int port(String p, String text) {
    boolean digits = !p.isEmpty() && p.length() <= 5 && p.charAt(0) != '0';
    for (int i = 0; digits && i < p.length(); i++) {
      digits = p.charAt(i) >= '0' && p.charAt(i) <= '9';
    }
    int value = digits ? Integer.parseInt(p) : -1;
    if (value < 1 || value > 65535) {
      throw invalid("expected a port 1 to 65535 without leading zeros, got '" + Syntax.shown(p)
          + "' in '" + Syntax.shown(text) + "'");
    }
    return value;
  }

  private static NetResource net(String text, boolean pattern) {
    int slash = text.lastIndexOf('/');
    int colon = slash < 0 ? -1 : text.lastIndexOf(':', slash);
    if (slash < 0 || colon <= 4) {
      throw invalid("expected net:<spiffe-id>:<port>/<protocol>, got '" + Syntax.shown(text)
          + "'");
    }
    String protocol = text.substring(slash + 1);
    if (!(protocol.equals("tcp") || protocol.equals("udp") || protocol.equals("sctp"))) {
      throw invalid("expected the protocol tcp, udp or sctp (lower case), got '"
          + Syntax.shown(protocol) + "' in '" + Syntax.shown(text) + "'");
    }
    String ports = text.substring(colon + 1, slash);
    String target = text.substring(4, colon);
    SubjectPattern targetPattern = target(target, pattern, text);
    int from;
    int to;
    if (ports.equals("*")) {
      if (!pattern) {
        throw invalid(wildcardInRequest(text));
      }
      from = 1;
      to = 65535;
    } else if (ports.indexOf('-') > 0) {
      if (!pattern) {
        throw invalid("a request names one port, not a range; got '" + Syntax.shown(text) + "'");
      }
      int dash = ports.indexOf('-');
      from = port(ports.substring(0, dash), text);
      to = port(ports.substring(dash + 1), text);
      if (from >= to) {
        throw invalid("expected a port range lo-hi with lo < hi, got '" + ports + "' in '"
            + Syntax.shown(text) + "'");
      }
    } else {
      from = port(ports, text);
      to = from;
    }
    return new NetResource(text, targetPattern, from, to, protocol);
  }

  private static SubjectPattern target(String target, boolean pattern, String text) {
    String err = pattern ? Syntax.subjectPattern(target) : Syntax.spiffeId(target);
    if (err != null) {
      throw invalid(err + " (in resource '" + Syntax.shown(text) + "')");
    }
    return new SubjectPattern(target, target.endsWith("/*"));
  }

  private static HttpResource http(String text, boolean pattern) {
    return new HttpResource(text, target(text.substring(5), pattern, text));
  }

  private static NamedResource named(String text, String type, String name, boolean pattern) {
    if (name.equals("*")) {
      if (!pattern) {
        throw invalid(wildcardInRequest(text));
      }
      return new NamedResource(text, type, name);
    }
    if (name.isEmpty() || name.length() > Syntax.MAX_NAME) {
      throw invalid("expected a name of 1 to " + Syntax.MAX_NAME + " characters after '" + type
          + ":', got " + name.length());
    }
    String body = pattern && name.endsWith("/*") ? name.substring(0, name.length() - 2) : name;
    if (body.startsWith("/") || body.endsWith("/")) {
      throw invalid("a name has no leading or trailing '/'; got '" + Syntax.shown(text) + "'");
    }
    for (String seg : body.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        throw invalid("a name has no empty, '.' or '..' segment; got '" + Syntax.shown(text)
            + "'");
      }
    }
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '*') {
        throw invalid(pattern ? "a '*' may only stand as the whole last segment of a pattern;"
            + " got '" + Syntax.shown(text) + "'" : wildcardInRequest(text));
      }
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || "._-~:@+=,/".indexOf(c) >= 0)) {
        throw invalid("expected name characters A-Z a-z 0-9 . _ - ~ : @ + = , /, got "
            + Syntax.describe(c) + " in '" + Syntax.shown(text) + "'");
      }
    }
    return new NamedResource(text, type, name);
  }

  private static String wildcardInRequest(String text) {
    return "a request names one resource, never a pattern; got '" + Syntax.shown(text) + "'";
  }

  private static AuthzException invalid(String detail) {
    return new AuthzException("grant.resource", detail);
  }

  /**
   * The key a pattern is indexed under: its text when exact, otherwise the literal prefix every
   * matching resource starts with. For net and http, the target's key after the type.
   */
  static String key(ResourcePattern p) {
    if (p instanceof NetResource n) {
      return "net:" + n.target().stem();
    }
    if (p instanceof HttpResource h) {
      return "http:" + h.target().stem();
    }
    String text = p.text();
    return p.wildcard() ? text.substring(0, text.length() - 1) : text;
  }

  /** Whether the pattern's key is a prefix key (the resource need only start with it). */
  static boolean prefixKey(ResourcePattern p) {
    if (p instanceof NetResource n) {
      return n.target().prefix();
    }
    if (p instanceof HttpResource h) {
      return h.target().prefix();
    }
    return p.wildcard();
  }

  /** Every key under which a grant matching this concrete resource can be indexed. */
  static String[] candidateKeys(ResourcePattern r) {
    if (r instanceof NetResource n) {
      return withType("net:", subjectKeys(n.target().text()));
    }
    if (r instanceof HttpResource h) {
      return withType("http:", subjectKeys(h.target().text()));
    }
    if (r instanceof DbResource d) {
      String server = DB_PREFIX + d.server() + "/";
      return d.schema() == null ? new String[] {d.text(), server}
          : new String[] {d.text(), server + d.database() + "/", server};
    }
    NamedResource n = (NamedResource) r;
    String text = n.text();
    int count = 2;
    for (int i = n.type().length() + 1; i < text.length(); i++) {
      if (text.charAt(i) == '/') {
        count++;
      }
    }
    String[] keys = new String[count];
    keys[0] = text;
    int k = 1;
    for (int i = text.length() - 1; i > n.type().length(); i--) {
      if (text.charAt(i) == '/') {
        keys[k++] = text.substring(0, i + 1);
      }
    }
    keys[k] = n.type() + ":";
    return keys;
  }

  /** The subject's own ID, then each ancestor prefix ending in '/', longest first. */
  static String[] subjectKeys(String id) {
    int first = id.indexOf('/', Syntax.SCHEME.length());
    int count = 1;
    for (int i = first; i < id.length(); i++) {
      if (id.charAt(i) == '/') {
        count++;
      }
    }
    String[] keys = new String[count];
    keys[0] = id;
    int k = 1;
    for (int i = id.length() - 1; i >= first; i--) {
      if (id.charAt(i) == '/') {
        keys[k++] = id.substring(0, i + 1);
      }
    }
    return keys;
  }

  private static String[] withType(String type, String[] keys) {
    String[] out = new String[keys.length];
    for (int i = 0; i < keys.length; i++) {
      out[i] = type + keys[i];
    }
    return out;
  }
}
