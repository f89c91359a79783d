package dev.imprint.scan.inventory;

import dev.imprint.scan.yaml.YamlList;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Shared judgement of credentials named in CI files: secret references and AWS key names. */
final class CiCredentials {
  private static final Pattern SECRET_REF =
      Pattern.compile("secrets\\.([A-Za-z_][A-Za-z0-9_]{0,100})");
  private static final Pattern AWS_KEY_NAME = Pattern.compile(
      "(?i)aws[_-]?(?:access[_-]?key(?:[_-]?id)?|secret[_-]?access[_-]?key|secret[_-]?key)");

  private CiCredentials() {}

  /** Whether a variable or input name carries a static AWS key. */
  static boolean isAwsKeyName(String name) {
    return name != null && AWS_KEY_NAME.matcher(name).find();
  }

  /** Whether a value is a reference or placeholder rather than a literal credential. */
  static boolean isReference(String value) {
    String v = value.trim();
    return v.isEmpty() || v.contains("${{") || v.startsWith("$") || v.contains("${")
        || v.startsWith("{{") || v.toLowerCase(Locale.ROOT).contains("example");
  }

  /** The names of the {@code secrets.X} referenced anywhere under a node. */
  static Set<String> secretNames(YamlNode node) {
    Set<String> out = new TreeSet<>();
    collect(node, out, 0);
    out.remove("GITHUB_TOKEN");
    return out;
  }

  private static void collect(YamlNode node, Set<String> out, int depth) {
    if (node == null || depth > 50) {
      return;
    }
    if (node instanceof YamlMap m) {
      for (Map.Entry<String, YamlNode> e : m.entries().entrySet()) {
        collect(e.getValue(), out, depth + 1);
      }
    } else if (node instanceof YamlList l) {
      for (YamlNode n : l) {
        collect(n, out, depth + 1);
      }
    } else {
      String t = node.text();
      if (t != null && t.contains("secrets.")) {
        Matcher m = SECRET_REF.matcher(t);
        while (m.find()) {
          out.add(m.group(1));
        }
      }
    }
  }
}
