package dev.imprint.scan.compose;

import dev.imprint.scan.image.ImageRef;
import static dev.imprint.scan.compose.ComposeRules.CAP_ADD;
import static dev.imprint.scan.compose.ComposeRules.DEBUG_PORT;
import static dev.imprint.scan.compose.ComposeRules.NO_CAP_DROP;
import static dev.imprint.scan.compose.ComposeRules.DOCKER_SOCKET;
import static dev.imprint.scan.compose.ComposeRules.ENV_SECRET;
import static dev.imprint.scan.compose.ComposeRules.HOST_NAMESPACE;
import static dev.imprint.scan.compose.ComposeRules.MUTABLE_IMAGE;
import static dev.imprint.scan.compose.ComposeRules.NOT_READ_ONLY;
import static dev.imprint.scan.compose.ComposeRules.NO_NEW_PRIVILEGES;
import static dev.imprint.scan.compose.ComposeRules.PRIVILEGED;
import static dev.imprint.scan.compose.ComposeRules.PUBLIC_PORT;
import static dev.imprint.scan.compose.ComposeRules.UNPINNED_IMAGE;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.secret.SecretHit;
import dev.imprint.scan.secret.Secrets;
import dev.imprint.scan.shell.CommandLine;
import dev.imprint.scan.yaml.YamlList;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import dev.imprint.scan.yaml.YamlScalar;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads docker-compose files and checks their services (checklist C1..C7). */
public final class ComposeAnalyzer implements Analyzer {
  static final Set<String> DANGEROUS_CAPS = Set.of("ALL", "SYS_ADMIN", "SYS_PTRACE",
      "SYS_MODULE", "SYS_RAWIO", "SYS_BOOT", "SYS_TIME", "NET_ADMIN", "DAC_READ_SEARCH",
      "DAC_OVERRIDE", "BPF", "PERFMON", "MAC_ADMIN", "MAC_OVERRIDE", "SETFCAP", "SYSLOG",
      "LINUX_IMMUTABLE", "MKNOD");
  private static final List<String> RUNTIME_SOCKETS =
      List.of("docker.sock", "containerd.sock", "podman.sock", "crio.sock", "dockershim.sock");

  @Override
  public String name() {
    return "compose";
  }

  private static final List<Rule> RULES = java.util.stream.Stream.concat(
      ComposeRules.ALL.stream(), ComposeSecrets.ALL.stream()).toList();

  @Override
  public List<Rule> rules() {
    return RULES;
  }

  @Override
  public Session start(ScanSettings settings) {
    return (SourceFile file, Sink sink) -> ComposeReader.read(file).ifPresent(r -> {
      if (r.problem() != null) {
        sink.diagnose(r.problem());
      } else {
        for (ComposeService s : r.file().services()) {
          new Check(file, sink, s).run();
        }
        new ComposeSecrets(file, sink, r.file().root()).run();
      }
    });
  }

  /** The checks of one service. */
  private record Check(SourceFile file, Sink sink, ComposeService service) {

    void run() {
      YamlMap m = service.node();
      if (m.isTrue("privileged")) {
        report(PRIVILEGED, m, "privileged", "service '" + service.name() + "' runs privileged");
      }
      volumes(m);
      namespaces(m);
      securityOpts(m);
      capabilities(m);
      ports(m);
      image(m);
      if (!m.isTrue("read_only") && !m.unknown("read_only")) {
        if (m.has("read_only")) {
          report(NOT_READ_ONLY, m, "read_only", "service '" + service.name()
              + "' sets read_only: " + m.str("read_only"));
        } else {
          report(NOT_READ_ONLY, service.line(), service.column(), "read_only",
              "service '" + service.name() + "' does not set read_only: true");
        }
      }
      environment(m);
      commandLine(m.get("command"));
      commandLine(m.get("entrypoint"));
      commandLine(m.map("healthcheck").get("test"));
    }

    /**
     * A credential written on a command line: command, entrypoint or healthcheck test, in
     * string or list form ({@code ["CMD", "mysqladmin", "-uroot", "-pS3cret", "ping"]}).
     */
    void commandLine(YamlNode node) {
      String script;
      List<YamlNode> items = new java.util.ArrayList<>();
      if (node instanceof YamlList l) {
        List<String> words = new java.util.ArrayList<>();
        for (YamlNode item : l) {
          String t = item.text();
          if (t != null && !(words.isEmpty() && t.startsWith("CMD"))) {
            words.add(t);
            items.add(item);
          }
        }
        script = CommandLine.execForm(words);
      } else if (node != null && node.text() != null) {
        script = node.text();
        items.add(node);
      } else {
        return;
      }
      for (CommandLine.Secret s : CommandLine.secrets(script)) {
        YamlNode at = items.stream().filter(i -> i.text().contains(s.value())).findFirst()
            .orElse(items.get(0));
        sink.report(ENV_SECRET.at(file.location(at.line(), at.column()), "service '"
                + service.name() + "' writes a literal secret on a command line (" + s.what()
                + ")").withSecret(SecretEvidence.of(s.value()))
            .withKey(key("command/" + s.what())));
      }
    }

    void volumes(YamlMap m) {
      for (YamlNode v : m.list("volumes")) {
        String source = null;
        String target = null;
        YamlNode at = v;
        if (v instanceof YamlScalar s && s.value() != null) {
          List<String> parts = volumeParts(s.value());
          source = parts.get(0);
          target = parts.size() > 1 ? parts.get(1) : null;
        } else if (v instanceof YamlMap vm) {
          source = vm.str("source");
          target = vm.str("target");
          at = vm.has("source") ? vm.get("source") : v;
        }
        // The host side may be a variable (${DOCKER_SOCK:-/var/run/docker.sock}): its default,
        // or a socket path on the container side, says what it is.
        if (source != null && (isRuntimeSocket(withDefault(source))
            || target != null && isRuntimeSocket(target))) {
          sink.report(DOCKER_SOCKET.at(file.location(at.line(), at.column()), "service '"
              + service.name() + "' mounts the container runtime socket '" + source + "'")
              .withKey(key("volumes/" + source)));
        }
      }
    }

    void namespaces(YamlMap m) {
      for (String k : List.of("pid", "ipc", "network_mode", "userns_mode", "uts", "cgroup")) {
        String v = m.str(k);
        if (v != null && v.trim().toLowerCase(Locale.ROOT).equals("host")) {
          report(HOST_NAMESPACE, m, k,
              "service '" + service.name() + "' sets " + k + ": host");
        }
      }
    }

    void securityOpts(YamlMap m) {
      YamlNode off = null;
      for (YamlNode o : m.list("security_opt")) {
        String t = o.text() == null ? "" : o.text().replace(" ", "").toLowerCase(Locale.ROOT);
        if (t.equals("no-new-privileges") || t.equals("no-new-privileges:true")
            || t.equals("no-new-privileges=true") || o instanceof YamlScalar s && s.templated()) {
          return;
        }
        if (t.startsWith("no-new-privileges")) {
          off = o;
        }
      }
      if (off != null) {
        sink.report(NO_NEW_PRIVILEGES.at(file.location(off.line(), off.column()), "service '"
            + service.name() + "' sets security_opt " + off.text().trim())
            .withKey(key("security_opt")));
      } else if (!m.unknown("security_opt")) {
        report(NO_NEW_PRIVILEGES, service.line(), service.column(), "security_opt",
            "service '" + service.name() + "' does not set security_opt no-new-privileges:true");
      }
    }

    void capabilities(YamlMap m) {
      boolean dropsAll = false;
      for (YamlNode c : m.list("cap_drop")) {
        String cap = c.text() == null ? "" : c.text().trim().toUpperCase(Locale.ROOT);
        dropsAll |= cap.equals("ALL") || cap.contains("${");
      }
      for (YamlNode c : m.list("cap_add")) {
        String cap = c.text() == null ? "" : c.text().trim().toUpperCase(Locale.ROOT);
        if (cap.startsWith("CAP_")) {
          cap = cap.substring(4);
        }
        if (DANGEROUS_CAPS.contains(cap)) {
          sink.report(CAP_ADD.at(file.location(c.line(), c.column()),
              "service '" + service.name() + "' adds capability " + cap)
              .withKey(key("cap_add/" + cap)));
        }
      }
      // A privileged service holds every capability anyway; IMP-COMPOSE-001 says so.
      if (dropsAll || m.isTrue("privileged") || m.unknown("cap_drop")) {
        return;
      }
      if (m.has("cap_drop")) {
        report(NO_CAP_DROP, m, "cap_drop", "service '" + service.name()
            + "' drops some capabilities but not ALL");
      } else {
        report(NO_CAP_DROP, service.line(), service.column(), "cap_drop",
            "service '" + service.name() + "' does not set cap_drop: [ALL]");
      }
    }

    void ports(YamlMap m) {
      Map<Integer, String> debuggers = Debuggers.ports(m);
      for (YamlNode p : m.list("ports")) {
        String shown = null;
        if (p instanceof YamlScalar s && s.value() != null) {
          if (publishesOnAllInterfaces(s.value())) {
            shown = s.value();
          }
        } else if (p instanceof YamlMap pm) {
          String ip = pm.str("host_ip");
          if (ip == null || isAnyAddress(ip)) {
            shown = pm.has("published") ? "published: " + pm.str("published")
                : "target: " + pm.str("target");
          }
        }
        if (shown == null) {
          continue;
        }
        YamlNode at = p instanceof YamlMap pm && pm.has("published") ? pm.get("published") : p;
        if (p instanceof YamlScalar || p.asMap().has("published")) {
          sink.report(PUBLIC_PORT.at(file.location(at.line(), at.column()), "service '"
              + service.name() + "' publishes port '" + shown + "' on all interfaces")
              .withKey(key("ports/" + shown)));
        }
        int[] range = Debuggers.containerPorts(p);
        if (range == null) {
          continue;
        }
        for (Map.Entry<Integer, String> d : debuggers.entrySet()) {
          if (d.getKey() >= range[0] && d.getKey() <= range[1]) {
            sink.report(DEBUG_PORT.at(file.location(at.line(), at.column()), "service '"
                + service.name() + "' publishes " + d.getValue() + " (port " + d.getKey()
                + ") on all interfaces").withKey(key("debug/" + d.getKey())));
            break;
          }
        }
      }
    }

    void image(YamlMap m) {
      if (service.image() == null || service.hasBuild() && !pulled(m)) {
        // With build:, image: names the tag the build produces; nothing is pulled to pin.
        return;
      }
      String image = service.image().trim();
      if (ImageRef.isTemplated(image) || image.isEmpty()) {
        return;
      }
      ImageRef ref = ImageRef.parse(image);
      YamlNode node = m.get("image");
      if (ref.latest() || ref.untagged()) {
        sink.report(MUTABLE_IMAGE.at(file.location(node.line(), node.column()),
            "image '" + image + "' of service '" + service.name() + "' "
                + (ref.latest() ? "uses the latest tag" : "has no tag (means latest)"))
            .withKey(key("image")));
      } else if (!ref.pinned()) {
        sink.report(UNPINNED_IMAGE.at(file.location(node.line(), node.column()),
            "image '" + image + "' of service '" + service.name()
                + "' is not pinned by digest").withKey(key("image")));
      }
    }

    void environment(YamlMap m) {
      YamlNode env = m.get("environment");
      if (env instanceof YamlMap em) {
        for (Map.Entry<String, YamlNode> e : em.entries().entrySet()) {
          secret(e.getKey(), e.getValue().text(), em.keyLine(e.getKey()),
              em.keyColumn(e.getKey()));
        }
      } else if (env instanceof YamlList el) {
        for (YamlNode item : el) {
          String t = item.text();
          int eq = t == null ? -1 : t.indexOf('=');
          if (eq > 0) {
            secret(t.substring(0, eq).trim(), t.substring(eq + 1), item.line(), item.column());
          }
        }
      }
    }

    void secret(String name, String value, int line, int column) {
      Optional<SecretHit> hit = Secrets.assignment(name, value);
      if (hit.isEmpty()) {
        return;
      }
      sink.report(ENV_SECRET.at(file.location(line, column), "service '" + service.name()
          + "' sets " + hit.get().kind() + " " + name + " to a literal in environment")
          .withSecret(hit.get().evidence()).withKey(key("environment/" + name)));
    }

    void report(Rule rule, YamlMap m, String k, String message) {
      report(rule, m.keyLine(k), m.keyColumn(k), k, message);
    }

    void report(Rule rule, int line, int column, String k, String message) {
      sink.report(rule.at(file.location(line, column), message).withKey(key(k)));
    }

    String key(String what) {
      return "services/" + service.name() + "/" + what;
    }
  }

  /**
   * Whether Compose pulls a service that also builds: only when its pull_policy asks to pull
   * (always, daily, weekly, every_...); otherwise it builds the image it names.
   */
  static boolean pulled(YamlMap service) {
    String policy = service.str("pull_policy");
    if (policy == null) {
      return false;
    }
    String p = policy.trim().toLowerCase(Locale.ROOT);
    return p.equals("always") || p.equals("daily") || p.equals("weekly")
        || p.startsWith("every_");
  }

  /** A short volume spec's fields, split at the colons outside {@code ${...}}. */
  static List<String> volumeParts(String spec) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < spec.length(); i++) {
      char c = spec.charAt(i);
      if (c == '$' && i + 1 < spec.length() && spec.charAt(i + 1) == '{') {
        depth++;
        i++;
      } else if (c == '}' && depth > 0) {
        depth--;
      } else if (c == ':' && depth == 0) {
        out.add(spec.substring(start, i));
        start = i + 1;
      }
    }
    out.add(spec.substring(start));
    return out;
  }

  /** The default of a lone {@code ${VAR:-default}} or {@code ${VAR-default}}, else the text. */
  static String withDefault(String value) {
    Matcher m = VARIABLE_DEFAULT.matcher(value.trim());
    return m.matches() ? m.group(1) : value;
  }

  private static final Pattern VARIABLE_DEFAULT =
      Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]{0,100}:?-([^}]{0,1000})}");

  static boolean isRuntimeSocket(String source) {
    String s = source.trim().toLowerCase(Locale.ROOT);
    for (String sock : RUNTIME_SOCKETS) {
      if (s.endsWith("/" + sock) || s.equals(sock)) {
        return true;
      }
    }
    return s.equals("/var/run/docker") || s.equals("/run/docker");
  }

  /** Short syntax {@code [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]}. */
  static boolean publishesOnAllInterfaces(String spec) {
    String s = spec.trim();
    int slash = s.indexOf('/');
    if (slash >= 0) {
      s = s.substring(0, slash);
    }
    if (s.contains("${")) {
      return false;
    }
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      return close > 0 && isAnyAddress(s.substring(1, close));
    }
    String[] parts = s.split(":", -1);
    if (parts.length >= 3) {
      return isAnyAddress(String.join(":", java.util.Arrays.copyOf(parts, parts.length - 2)));
    }
    return true;
  }

  static boolean isAnyAddress(String ip) {
    String t = ip.trim();
    return t.isEmpty() || t.equals("0.0.0.0") || t.equals("::") || t.equals("[::]");
  }
}
