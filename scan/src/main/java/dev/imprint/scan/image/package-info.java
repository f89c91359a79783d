/**
 * Container image references as registries read them: registry, repository, tag and digest,
 * whether a reference is pinned by digest, tagged {@code latest} or built from variables, and
 * whether a trusted-registry list covers it. Every reader that names images shares this.
 */
package dev.imprint.scan.image;
