package dev.imprint.scan.compose;

import dev.imprint.scan.yaml.YamlMap;

/**
 * One service of a compose file.
 *
 * @param name the key under {@code services:}
 * @param line 1-based line of the service's key
 * @param column 1-based column of the service's key
 * @param image the {@code image:} value, or {@code null} when the service only builds
 * @param hasBuild whether the service has a {@code build:} section
 * @param node the service's map, with positions of every key and value
 */
public record ComposeService(
    String name, int line, int column, String image, boolean hasBuild, YamlMap node) {}
