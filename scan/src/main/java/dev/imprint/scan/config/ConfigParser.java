package dev.imprint.scan.config;

import dev.imprint.scan.Catalog;
import dev.imprint.scan.FingerprintKey;
import dev.imprint.scan.Severity;
import dev.imprint.scan.yaml.YamlList;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import dev.imprint.scan.yaml.YamlReader;
import dev.imprint.scan.yaml.YamlScalar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code .imprint.yaml} strictly: every problem names file:line and the key. */
final class ConfigParser {
  static final Set<String> KEYS = Set.of("exclude", "rules", "trusted-registries", "fail-on",
      "max-file-size", "inline-ignores", "fingerprint-key-file");
  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,12})\\s*(B|KiB|MiB|GiB)?");
  private static final long MAX_CONFIG_BYTES = 1024 * 1024;

  private final String source;

  private ConfigParser(String source) {
    this.source = source;
  }

  static ImprintConfig load(Path file) throws ConfigException {
    String text;
    try {
      if (Files.size(file) > MAX_CONFIG_BYTES) {
        throw new ConfigException(file + ": config file is larger than 1 MiB");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read config file ("
          + e.getClass().getSimpleName() + ")", e);
    }
    return parse(file.toString(), text);
  }

  static ImprintConfig parse(String source, String text) throws ConfigException {
    return new ConfigParser(source).parse(text);
  }

  private ImprintConfig parse(String text) throws ConfigException {
    YamlReader.Result result = YamlReader.read(text);
    if (!result.ok()) {
      throw new ConfigException(source + ":" + result.problem().line() + ":"
          + result.problem().column() + ": not valid YAML: " + result.problem().message());
    }
    if (result.documents().isEmpty()) {
      return ImprintConfig.empty();
    }
    if (result.documents().size() > 1) {
      throw new ConfigException(source + ":" + result.documents().get(1).line()
          + ": expected one YAML document, found " + result.documents().size());
    }
    YamlNode doc = result.documents().get(0);
    if (doc instanceof YamlScalar s && s.value() == null) {
      return ImprintConfig.empty();
    }
    if (!(doc instanceof YamlMap root)) {
      throw error(doc, "(top level)", "expected a mapping of settings");
    }
    List<String> excludes = List.of();
    Set<String> disabled = Set.of();
    Map<String, Severity> overrides = Map.of();
    List<String> registries = List.of();
    Severity failOn = null;
    Long maxBytes = null;
    Boolean inline = null;
    FingerprintKey fingerprintKey = null;
    for (Map.Entry<String, YamlNode> e : root.entries().entrySet()) {
      String key = e.getKey();
      YamlNode value = e.getValue();
      switch (key) {
        case "exclude" -> excludes = strings(value, key);
        case "trusted-registries" -> registries = strings(value, key);
        case "fail-on" -> failOn = severity(value, key);
        case "max-file-size" -> maxBytes = size(value, key);
        case "inline-ignores" -> inline = bool(value, key);
        case "fingerprint-key-file" -> fingerprintKey = fingerprintKey(value, key);
        case "rules" -> {
          YamlMap rules = map(value, key);
          for (Map.Entry<String, YamlNode> r : rules.entries().entrySet()) {
            String sub = "rules." + r.getKey();
            switch (r.getKey()) {
              case "disable" -> {
                Set<String> ids = new LinkedHashSet<>();
                for (String id : strings(r.getValue(), sub)) {
                  ids.add(ruleId(id, r.getValue(), sub));
                }
                disabled = ids;
              }
              case "severity" -> {
                YamlMap levels = map(r.getValue(), sub);
                Map<String, Severity> m = new LinkedHashMap<>();
                for (Map.Entry<String, YamlNode> l : levels.entries().entrySet()) {
                  String id = l.getKey();
                  String where = sub + "." + id;
                  if (Catalog.rule(id).isEmpty()) {
                    throw new ConfigException(source + ":" + levels.keyLine(id) + ": " + where
                        + ": unknown rule id '" + id + "' (list them with 'imprint rules')");
                  }
                  m.put(id, severity(l.getValue(), where));
                }
                overrides = m;
              }
              default -> throw new ConfigException(source + ":" + rules.keyLine(r.getKey())
                  + ": " + sub + ": unknown key; expected disable or severity");
            }
          }
        }
        default -> throw new ConfigException(source + ":" + root.keyLine(key) + ": " + key
            + ": unknown key; expected one of " + String.join(", ", sorted(KEYS)));
      }
    }
    return new ImprintConfig(source, excludes, disabled, overrides, registries, failOn,
        maxBytes, inline, fingerprintKey);
  }

  /** The key in the file named (relative to the config file's directory). */
  private FingerprintKey fingerprintKey(YamlNode node, String key) throws ConfigException {
    String name = scalar(node, key).strip();
    if (name.isEmpty()) {
      throw error(node, key, "expected the path of a key file");
    }
    Path dir = Path.of(source).toAbsolutePath().getParent();
    Path file = dir == null ? Path.of(name) : dir.resolve(name);
    try {
      if (Files.size(file) > 4096) {
        throw error(node, key, "'" + name + "' is larger than 4 KiB; expected a key file");
      }
      return FingerprintKey.read(file);
    } catch (IOException e) {
      throw error(node, key, "cannot read '" + name + "' (" + e.getClass().getSimpleName()
          + ")");
    } catch (IllegalArgumentException e) {
      throw error(node, key, "'" + name + "': " + e.getMessage());
    }
  }

  private String ruleId(String id, YamlNode where, String key) throws ConfigException {
    if (Catalog.rule(id).isEmpty()) {
      throw error(where, key, "unknown rule id '" + id + "' (list them with 'imprint rules')");
    }
    return id;
  }

  private List<String> strings(YamlNode node, String key) throws ConfigException {
    if (!(node instanceof YamlList list)) {
      throw error(node, key, "expected a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (YamlNode item : list.items()) {
      if (!(item instanceof YamlScalar s) || s.value() == null || s.value().isBlank()) {
        throw error(item, key, "expected a non-empty string");
      }
      out.add(s.value().trim());
    }
    return out;
  }

  private YamlMap map(YamlNode node, String key) throws ConfigException {
    if (!(node instanceof YamlMap m)) {
      throw error(node, key, "expected a mapping");
    }
    return m;
  }

  private Severity severity(YamlNode node, String key) throws ConfigException {
    try {
      return Severity.parse(scalar(node, key));
    } catch (IllegalArgumentException e) {
      throw error(node, key, e.getMessage());
    }
  }

  private Boolean bool(YamlNode node, String key) throws ConfigException {
    if (node instanceof YamlScalar s && (s.isTrue() || s.isFalse())) {
      return s.isTrue();
    }
    throw error(node, key, "expected true or false");
  }

  private Long size(YamlNode node, String key) throws ConfigException {
    Matcher m = SIZE.matcher(scalar(node, key).trim());
    if (!m.matches()) {
      throw error(node, key, "expected a size such as 4MiB, 512KiB or 1000000B");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    long bytes = switch (unit) {
      case "KiB" -> n * 1024;
      case "MiB" -> n * 1024 * 1024;
      case "GiB" -> n * 1024 * 1024 * 1024;
      default -> n;
    };
    if (n <= 0 || bytes / n < 1 || bytes > 1L << 40) {
      throw error(node, key, "expected a size between 1B and 1024GiB");
    }
    return bytes;
  }

  private String scalar(YamlNode node, String key) throws ConfigException {
    if (!(node instanceof YamlScalar s) || s.value() == null) {
      throw error(node, key, "expected a single value");
    }
    return s.value();
  }

  private ConfigException error(YamlNode node, String key, String message) {
    return new ConfigException(source + ":" + node.line() + ": " + key + ": " + message);
  }

  private static List<String> sorted(Set<String> keys) {
    List<String> l = new ArrayList<>(keys);
    l.sort(String::compareTo);
    return l;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
