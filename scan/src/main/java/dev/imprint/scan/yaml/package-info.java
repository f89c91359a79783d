/**
 * A bounded YAML reader shared by the Kubernetes, compose and CI analyzers: every document of a
 * stream as a small tree of maps, lists and scalars that know their line and column. Alias
 * expansion, nesting depth and node count are limited so that hostile files cannot exhaust the
 * scanner; a file that does not parse yields a problem with a location, never an exception.
 */
package dev.imprint.scan.yaml;
