package dev.imprint.server.store;

/** The two databases the store runs on. */
public enum Dialect {
  SQLITE,
  POSTGRESQL
}
