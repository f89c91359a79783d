/**
 * The Dockerfile reader: {@link dev.imprint.scan.dockerfile.DockerfileParser} turns a Dockerfile
 * or Containerfile into a typed {@link dev.imprint.scan.dockerfile.Dockerfile} (parser
 * directives, global ARGs, stages, instructions with exact lines and columns, heredocs, exec
 * forms, ARG/ENV substitution), and {@link dev.imprint.scan.dockerfile.DockerfileAnalyzer} runs
 * the IMP-DOCKER rules over it: mutable or untrusted base images, secrets baked into layers or
 * image config, root and SSH at run time, unverified downloads and disabled TLS or signature
 * checks. Malformed input becomes a diagnostic, never an exception.
 */
package dev.imprint.scan.dockerfile;
