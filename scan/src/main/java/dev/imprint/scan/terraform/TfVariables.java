package dev.imprint.scan.terraform;

import dev.imprint.scan.secret.Secrets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Judges whether a Terraform input variable may hold a secret: by its declared type and default
 * first (a {@code number} or {@code bool}, or an untyped variable with a number or bool default,
 * never holds one), then by a description that says it is a setting ("Whether ...", "The number
 * of ..."), and only then by its name, where names of settings about a secret
 * ({@code max_password_age}, {@code password_reuse_prevention}, {@code create_access_key}) and
 * names of things about a secret ({@code iam_access_key_status}, {@code db_password_secret_arn})
 * do not count.
 */
final class TfVariables {
  /** Names of settings about a secret rather than the secret. */
  private static final Pattern SETTING = Pattern.compile("(?i)(create|enable|enabled|disable"
      + "|allow|require|required|use|manage|is|has|should|skip|force|rotate|expire|hard|generate"
      + "|include|min|max|minimum|maximum)_.*|.*_(enabled|disabled|required|age|prevention|reuse"
      + "|length|count|expiry|expiration|days|rotation|policy|complexity|lifetime|duration"
      + "|seconds|minutes|hours|interval|period|format|algorithm|mode|source|location|size"
      + "|strategy|kind|method|issuer|audience|scopes?|endpoint|email|version|hash|sha|prefix"
      + "|suffix|enforced|protection|characters|numbers|symbols|lowercase|uppercase)");
  private static final Pattern SETTING_DESCRIPTION = Pattern.compile("(?i)\\s*(\\((optional|"
      + "required)\\)\\s*)?(whether|if true|if set|set to true|set this to true|enables?\\b"
      + "|disables?\\b|determines whether|controls whether|toggle|flag\\b|boolean|number of|the "
      + "number of|how many|how long|minimum|maximum|the minimum|the maximum|length of|the length"
      + "|a list of (the )?(names|arns)|the (name|arn|id) of).*", Pattern.DOTALL);

  private TfVariables() {}

  /** Whether a {@code variable} block may hold a secret and so is subject to IMP-TF-001. */
  static boolean mayHoldSecret(Tf.Block variable) {
    String name = variable.label(0);
    if (!Secrets.isSecretName(name) || SETTING.matcher(name).matches()
        || TfSecretChecks.NOT_A_SECRET_ATTRIBUTE.matcher(name).matches()) {
      return false;
    }
    if (numberOrBool(variable.value("type"))) {
      return false;
    }
    Tf.Value def = variable.value("default");
    if (def instanceof Tf.Num || def instanceof Tf.Bool || allNumberOrBool(def)) {
      return false;
    }
    String description = variable.literal("description");
    return description == null || !SETTING_DESCRIPTION.matcher(description).matches();
  }

  /**
   * Whether a default bakes a secret in: a literal string that is no placeholder, not empty and
   * not shaped like a setting, or a collection holding one under a secret-like key.
   */
  static boolean bakedSecret(String name, Tf.Value def) {
    if (def instanceof Tf.Str s && !s.template()) {
      String v = s.text();
      return !v.isBlank() && v.indexOf('\n') < 0 && !TfLiterals.looksLikeSetting(name, v)
          && Secrets.assignment(name, v).isPresent();
    }
    if (def instanceof Tf.Obj o) {
      return o.entries().entrySet().stream().anyMatch(e -> e.getValue() instanceof Tf.Str s
          && !s.template() && Secrets.isSecretName(e.getKey())
          && bakedSecret(e.getKey(), s));
    }
    if (def instanceof Tf.Tuple t) {
      return t.items().stream().anyMatch(i -> bakedSecret(name, i));
    }
    return false;
  }

  /** {@code number}, {@code bool}, or a collection of them ({@code list(number)}). */
  private static boolean numberOrBool(Tf.Value type) {
    if (type instanceof Tf.Ref r) {
      String t = r.text().toLowerCase(Locale.ROOT);
      return t.equals("number") || t.equals("bool");
    }
    if (type instanceof Tf.Call c && c.args().size() == 1
        && (c.name().equals("list") || c.name().equals("set") || c.name().equals("map"))) {
      return numberOrBool(c.args().get(0));
    }
    return type instanceof Tf.Str s && (s.text().equals("number") || s.text().equals("bool"));
  }

  private static boolean allNumberOrBool(Tf.Value v) {
    if (v instanceof Tf.Tuple t && !t.items().isEmpty()) {
      return t.items().stream().allMatch(i -> i instanceof Tf.Num || i instanceof Tf.Bool);
    }
    if (v instanceof Tf.Obj o && !o.entries().isEmpty()) {
      return o.entries().values().stream()
          .allMatch(i -> i instanceof Tf.Num || i instanceof Tf.Bool);
    }
    return false;
  }
}
