/**
 * Findings uploaded by {@code imprint scan --upload}: Imprint JSON reports stored once per source
 * repository and commit (the same upload again changes nothing, a different one is refused
 * unless an admin replaces it with an audited reason; a pipeline token uploads only for the
 * repositories its identity is linked to), readable per commit and summarised per repository.
 * An upload may carry the inventory of the same scan (the non-human identities the code defines
 * and their links): it is stored and replaced with the upload, and {@code GET /v1/inventory}
 * lists the identities of every repository's latest upload with the counts of its findings that
 * concern each. Secrets appear only in their redacted form and as fingerprints.
 */
package dev.imprint.server.finding;
