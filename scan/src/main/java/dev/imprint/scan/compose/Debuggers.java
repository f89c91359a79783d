package dev.imprint.scan.compose;

import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The debugger endpoints a compose service listens on: the Node.js inspector's own port 9229
 * always, and a JVM's JDWP agent, debugpy or Delve when the service's command, entrypoint or
 * environment starts one (then on the port it names, or its default).
 */
final class Debuggers {
  private static final Pattern INSPECT =
      Pattern.compile("--inspect(?:-brk|-wait)?(?:=(?:[^\\s:=]{0,100}:)?(\\d{2,5}))?");
  private static final Pattern JDWP_ADDRESS =
      Pattern.compile("jdwp[^\\s\"']{0,200}?address=(?:[^\\s,:]{0,100}:)?(\\d{2,5})");
  private static final Pattern DEBUGPY = Pattern.compile("\\b(?:debugpy|ptvsd)\\b");
  private static final Pattern DEBUGPY_LISTEN =
      Pattern.compile("--(?:listen|port)[= ](?:[^\\s:]{0,100}:)?(\\d{2,5})");
  private static final Pattern DELVE = Pattern.compile("(?:^|[\\s/\"'\\[,])dlv\\b");
  private static final Pattern DELVE_LISTEN =
      Pattern.compile("--listen[= ](?:[^\\s:]{0,100})?:(\\d{2,5})");

  private Debuggers() {}

  /** Container port -> the debugger listening on it. */
  static Map<Integer, String> ports(YamlMap service) {
    String text = evidence(service);
    Map<Integer, String> out = new TreeMap<>();
    out.put(9229, "the Node.js inspector");
    Matcher inspect = INSPECT.matcher(text);
    while (inspect.find()) {
      out.put(inspect.group(1) == null ? 9229 : Integer.parseInt(inspect.group(1)),
          "the Node.js inspector");
    }
    if (text.contains("jdwp")) {
      Matcher m = JDWP_ADDRESS.matcher(text);
      boolean named = false;
      while (m.find()) {
        out.put(Integer.parseInt(m.group(1)), "a JDWP (Java debug) agent");
        named = true;
      }
      if (!named) {
        out.put(5005, "a JDWP (Java debug) agent");
        out.put(8000, "a JDWP (Java debug) agent");
      }
    }
    if (DEBUGPY.matcher(text).find()) {
      Matcher m = DEBUGPY_LISTEN.matcher(text);
      out.put(m.find() ? Integer.parseInt(m.group(1)) : 5678, "debugpy");
    }
    if (DELVE.matcher(text).find()) {
      Matcher m = DELVE_LISTEN.matcher(text);
      out.put(m.find() ? Integer.parseInt(m.group(1)) : 2345, "the Delve debugger");
    }
    return out;
  }

  /** The command, entrypoint and environment values of a service, as one text. */
  private static String evidence(YamlMap service) {
    StringBuilder sb = new StringBuilder();
    for (String k : new String[] {"command", "entrypoint", "environment"}) {
      append(service.get(k), sb, 0);
    }
    return sb.toString();
  }

  private static void append(YamlNode n, StringBuilder sb, int depth) {
    if (n == null || depth > 4 || sb.length() > 64 * 1024) {
      return;
    }
    if (n.text() != null) {
      sb.append(n.text()).append(' ');
    } else if (n instanceof YamlMap m) {
      for (YamlNode v : m.entries().values()) {
        append(v, sb, depth + 1);
      }
    } else {
      for (YamlNode v : n.asList()) {
        append(v, sb, depth + 1);
      }
    }
  }

  /**
   * The container ports of a {@code ports:} entry as {low, high}, or {@code null} when unread:
   * {@code "9229"}, {@code "9229:9229"}, {@code "0.0.0.0:9229:9229/tcp"},
   * {@code "9229-9230:9229-9230"}, or the long syntax's {@code target}.
   */
  static int[] containerPorts(YamlNode entry) {
    String target;
    if (entry instanceof YamlMap m) {
      target = m.str("target");
    } else {
      String s = entry.text();
      if (s == null) {
        return null;
      }
      s = s.trim();
      int slash = s.indexOf('/');
      s = slash >= 0 ? s.substring(0, slash) : s;
      target = s.substring(s.lastIndexOf(':') + 1);
    }
    if (target == null) {
      return null;
    }
    Matcher m = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?").matcher(target.trim());
    if (!m.matches()) {
      return null;
    }
    int lo = Integer.parseInt(m.group(1));
    int hi = m.group(2) == null ? lo : Integer.parseInt(m.group(2));
    return new int[] {lo, hi};
  }
}
