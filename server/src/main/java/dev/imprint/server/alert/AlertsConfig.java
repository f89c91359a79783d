package dev.imprint.server.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The alert detections' thresholds and where alerts are delivered, read from the JSON file of
 * {@code imprint server --alerts-config} (docs/alerts.md lists every field and its default).
 *
 * @param interval how often the audit log is read for new entries
 * @param sweep how often the state-based rules run (unused grants, key age, audit integrity)
 * @param warmup how far back the log is read at start, to rebuild the rate baselines
 * @param dormantAfter how long an identity must have been silent for its return to alert
 * @param stormBucket the width of one rate sample of an identity's attestations
 * @param stormAlpha the EWMA weight of the newest sample in the baseline
 * @param stormFactor how many times its baseline a sample must reach to alert
 * @param stormFloor the fewest attestations in one sample that can alert
 * @param refusalCount how many refused join-token attestations of one identity alert
 * @param refusalWindow within how long
 * @param deniedCount how many denied decisions for one subject alert
 * @param deniedWindow within how long
 * @param grantUnusedFor how long an allowing grant may go unused before it alerts
 * @param keyMaxAge the oldest a signing key may be while it signs (null: the key lifetime)
 * @param disabled rule ids that never raise
 * @param webhook the signed webhook, or null
 * @param alertmanagerUrl the Alertmanager base URL, or null
 * @param queue how many deliveries may wait at once (more are dropped and counted)
 * @param attempts how many times a delivery is tried
 * @param backoff the wait after the first failed attempt (doubled after each)
 * @param timeout the HTTP timeout of one attempt
 */
public record AlertsConfig(Duration interval, Duration sweep, Duration warmup,
    Duration dormantAfter, Duration stormBucket, double stormAlpha, double stormFactor,
    long stormFloor, int refusalCount, Duration refusalWindow, int deniedCount,
    Duration deniedWindow, Duration grantUnusedFor, Duration keyMaxAge, Set<String> disabled,
    Webhook webhook, URI alertmanagerUrl, int queue, int attempts, Duration backoff,
    Duration timeout) {

  /** Every rule id, in the order docs/alerts.md describes them. */
  public static final Set<String> RULES = Set.of(Rules.RETIRED_STILL_ATTESTING,
      Rules.DORMANT_REACTIVATED, Rules.ATTESTATION_STORM, Rules.JOIN_TOKEN_REFUSALS,
      Rules.DENIED_BURST, Rules.GRANT_UNUSED, Rules.KEY_ROTATION_OVERDUE,
      Rules.AUDIT_INTEGRITY);

  /**
   * The signed webhook: where to POST, and the HMAC secret read from {@code secretFile} or the
   * environment variable {@code secretEnv} when the server starts.
   */
  public record Webhook(URI url, Path secretFile, String secretEnv) {
    @Override
    public String toString() {
      return "Webhook[url=" + url + ", secret=" + (secretFile != null ? "file " + secretFile
          : "env " + secretEnv) + "]";
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

  public AlertsConfig {
    disabled = Set.copyOf(disabled);
    for (String r : disabled) {
      if (!RULES.contains(r)) {
        throw new IllegalArgumentException("unknown rule '" + r + "' in 'disabled'; expected"
            + " one of " + new java.util.TreeSet<>(RULES));
      }
    }
    positive("interval", interval);
    positive("sweep", sweep);
    positive("stormBucket", stormBucket);
    positive("refusalWindow", refusalWindow);
    positive("deniedWindow", deniedWindow);
    positive("backoff", backoff);
    positive("timeout", timeout);
    if (!(stormAlpha > 0 && stormAlpha <= 1)) {
      throw new IllegalArgumentException("expected storm.alpha in (0, 1], got " + stormAlpha);
    }
    if (!(stormFactor >= 1)) {
      throw new IllegalArgumentException("expected storm.factor of at least 1, got "
          + stormFactor);
    }
    atLeast("storm.floor", stormFloor, 1);
    atLeast("joinTokenRefusals.count", refusalCount, 1);
    atLeast("deniedDecisions.count", deniedCount, 1);
    atLeast("delivery.queue", queue, 1);
    atLeast("delivery.attempts", attempts, 1);
  }

  /** The defaults: no delivery, every rule on (docs/alerts.md). */
  public static AlertsConfig defaults() {
    return new AlertsConfig(Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofHours(1),
        Duration.ofDays(30), Duration.ofMinutes(1), 0.1, 5, 30, 5, Duration.ofMinutes(10), 20,
        Duration.ofMinutes(5), Duration.ofDays(30), null, Set.of(), null, null, 1000, 6,
        Duration.ofSeconds(1), Duration.ofSeconds(10));
  }

  /** Whether {@code rule} may raise. */
  public boolean enabled(String rule) {
    return !disabled.contains(rule);
  }

  /**
   * Reads {@code file}: a JSON object whose fields override {@link #defaults()}.
   *
   * @throws IllegalArgumentException naming the file and what is wrong in it
   */
  public static AlertsConfig load(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the alerts configuration " + file + ": "
          + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("alerts configuration " + file + ": " + e.getMessage());
    }
  }

  /** Parses the configuration's JSON text. */
  static AlertsConfig parse(String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("expected a JSON object: "
          + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    only(root, "", "interval", "sweep", "warmup", "dormantAfter", "storm", "joinTokenRefusals",
        "deniedDecisions", "grantUnusedFor", "keyMaxAge", "disabled", "webhook", "alertmanager",
        "delivery");
    AlertsConfig d = defaults();
    JsonNode storm = object(root, "storm", "bucket", "alpha", "factor", "floor");
    JsonNode refusals = object(root, "joinTokenRefusals", "count", "window");
    JsonNode denied = object(root, "deniedDecisions", "count", "window");
    JsonNode delivery = object(root, "delivery", "queue", "attempts", "backoff", "timeout");
    Set<String> disabled = new LinkedHashSet<>();
    JsonNode dis = root.get("disabled");
    if (dis != null) {
      if (!dis.isArray()) {
        throw new IllegalArgumentException("expected 'disabled' to be an array of rule ids");
      }
      dis.forEach(n -> disabled.add(n.asText()));
    }
    return new AlertsConfig(duration(root, "interval", d.interval()),
        duration(root, "sweep", d.sweep()), duration(root, "warmup", d.warmup()),
        duration(root, "dormantAfter", d.dormantAfter()),
        duration(storm, "storm.bucket", d.stormBucket()),
        number(storm, "storm.alpha", d.stormAlpha()),
        number(storm, "storm.factor", d.stormFactor()),
        (long) number(storm, "storm.floor", d.stormFloor()),
        (int) number(refusals, "joinTokenRefusals.count", d.refusalCount()),
        duration(refusals, "joinTokenRefusals.window", d.refusalWindow()),
        (int) number(denied, "deniedDecisions.count", d.deniedCount()),
        duration(denied, "deniedDecisions.window", d.deniedWindow()),
        duration(root, "grantUnusedFor", d.grantUnusedFor()),
        duration(root, "keyMaxAge", null), disabled, webhook(root),
        url(object(root, "alertmanager", "url"), "alertmanager.url"),
        (int) number(delivery, "delivery.queue", d.queue()),
        (int) number(delivery, "delivery.attempts", d.attempts()),
        duration(delivery, "delivery.backoff", d.backoff()),
        duration(delivery, "delivery.timeout", d.timeout()));
  }

  private static Webhook webhook(JsonNode root) {
    JsonNode w = object(root, "webhook", "url", "secretFile", "secretEnv");
    if (w == null) {
      return null;
    }
    URI url = url(w, "webhook.url");
    if (url == null) {
      throw new IllegalArgumentException("expected 'webhook.url'");
    }
    String file = w.hasNonNull("secretFile") ? w.get("secretFile").asText() : null;
    String env = w.hasNonNull("secretEnv") ? w.get("secretEnv").asText() : null;
    if ((file == null) == (env == null)) {
      throw new IllegalArgumentException("expected exactly one of 'webhook.secretFile' and"
          + " 'webhook.secretEnv' (the HMAC secret is never written in this file)");
    }
    return new Webhook(url, file == null ? null : Path.of(file), env);
  }

  private static URI url(JsonNode parent, String name) {
    String leaf = name.substring(name.lastIndexOf('.') + 1);
    if (parent == null || !parent.hasNonNull(leaf)) {
      return null;
    }
    String s = parent.get(leaf).asText();
    try {
      URI u = new URI(s);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
        return u;
      }
    } catch (java.net.URISyntaxException e) {
      // the refusal below says what was expected
    }
    throw new IllegalArgumentException("expected '" + name + "' to be an http(s) URL, got '"
        + s + "'");
  }

  private static JsonNode object(JsonNode root, String name, String... fields) {
    JsonNode n = root.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw new IllegalArgumentException("expected '" + name + "' to be an object");
    }
    only(n, name + ".", fields);
    return n;
  }

  private static void only(JsonNode n, String prefix, String... fields) {
    Set<String> known = Set.of(fields);
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw new IllegalArgumentException("unknown field '" + prefix + f + "'; expected one of "
            + new java.util.TreeSet<>(known));
      }
    }
  }

  private static double number(JsonNode parent, String name, double dflt) {
    String leaf = name.substring(name.lastIndexOf('.') + 1);
    if (parent == null || !parent.has(leaf)) {
      return dflt;
    }
    JsonNode n = parent.get(leaf);
    if (!n.isNumber()) {
      throw new IllegalArgumentException("expected '" + name + "' to be a number, got " + n);
    }
    return n.asDouble();
  }

  private static Duration duration(JsonNode parent, String name, Duration dflt) {
    String leaf = name.substring(name.lastIndexOf('.') + 1);
    if (parent == null || !parent.has(leaf)) {
      return dflt;
    }
    return parseDuration(name, parent.get(leaf).asText());
  }

  /** {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 30d}. */
  static Duration parseDuration(String name, String s) {
    Matcher m = DURATION.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException("expected '" + name + "' as a number and a unit (ms, s,"
          + " m, h, d), such as 10m, got '" + s + "'");
    }
    long v = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(v);
      case "s" -> Duration.ofSeconds(v);
      case "m" -> Duration.ofMinutes(v);
      case "h" -> Duration.ofHours(v);
      default -> Duration.ofDays(v);
    };
  }

  private static void positive(String name, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("expected '" + name + "' above zero, got " + d);
    }
  }

  private static void atLeast(String name, long v, long min) {
    if (v < min) {
      throw new IllegalArgumentException("expected '" + name + "' of at least " + min + ", got "
          + v);
    }
  }
}
