/**
 * The docker-compose reader and its rules: {@link dev.imprint.scan.compose.ComposeReader} turns a
 * compose file (recognised by its name or by a top-level {@code services:} map of images and
 * builds) into a {@link dev.imprint.scan.compose.ComposeFile} of services with lines and columns,
 * and {@link dev.imprint.scan.compose.ComposeAnalyzer} checks each service for privileges, host
 * namespaces, the Docker socket, exposed ports, mutable images and secrets in its environment.
 */
package dev.imprint.scan.compose;
