package dev.imprint.scan;

import java.util.Locale;

/**
 * What a rule protects: an entry of the OWASP Non-Human Identities Top 10 (2025), or one of
 * Imprint's own two categories, immutability and segmentation.
 *
 * @see <a href="https://owasp.org/www-project-non-human-identities-top-10/">OWASP NHI Top 10</a>
 */
public enum Category {
  NHI1("Improper Offboarding"),
  NHI2("Secret Leakage"),
  NHI3("Vulnerable Third-Party NHI"),
  NHI4("Insecure Authentication"),
  NHI5("Overprivileged NHI"),
  NHI6("Insecure Cloud Deployment Configurations"),
  NHI7("Long-Lived Secrets"),
  NHI8("Environment Isolation"),
  NHI9("NHI Reuse"),
  NHI10("Human Use of NHI"),
  IMMUTABILITY("Mutable infrastructure"),
  SEGMENTATION("Missing segmentation");

  private final String title;

  Category(String title) {
    this.title = title;
  }

  /** The id written in reports: {@code NHI2}, {@code immutability}, {@code segmentation}. */
  public String id() {
    return name().startsWith("NHI") ? name() : name().toLowerCase(Locale.ROOT);
  }

  public String title() {
    return title;
  }

  /** Parses an id as written by {@link #id()}, case-insensitively. */
  public static Category parse(String text) {
    for (Category c : values()) {
      if (c.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "unknown category '" + text + "': expected NHI1..NHI10, immutability or segmentation");
  }
}
