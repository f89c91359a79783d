package dev.imprint.scan.dockerfile;

/**
 * One {@code key=value} of an ENV, ARG or LABEL instruction, after quote removal and
 * substitution.
 *
 * @param key the name
 * @param value the value, or {@code null} for an ARG without default
 * @param raw the value as written (quotes and variables intact), or {@code null}
 * @param line 1-based line of the key
 * @param column 1-based column of the key
 */
public record KeyValue(String key, String value, String raw, int line, int column) {}
