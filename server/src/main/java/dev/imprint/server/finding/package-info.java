/**
 * Findings uploaded by {@code imprint scan --upload}: Imprint JSON reports stored per source
 * repository and commit (a re-upload of a commit replaces it), readable per commit and
 * summarised per repository. Secrets appear only in their redacted form and as fingerprints.
 */
package dev.imprint.server.finding;
