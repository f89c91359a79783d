package dev.imprint.scan.inventory;

/** The summarised access levels, ordered from none to admin. */
final class Access {
  static final String ADMIN = "admin";
  static final String WRITE = "write";
  static final String READ = "read";
  static final String UNKNOWN = "unknown";
  static final String NONE = "none";

  private Access() {}

  static int rank(String access) {
    return switch (access) {
      case ADMIN -> 4;
      case WRITE -> 3;
      case READ -> 2;
      case UNKNOWN -> 1;
      default -> 0;
    };
  }

  /** The higher of two levels. */
  static String max(String a, String b) {
    return rank(b) > rank(a) ? b : a;
  }
}
