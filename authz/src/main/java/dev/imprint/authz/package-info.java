/**
 * The grant language and the decision engine: grant files are parsed into validated
 * {@link dev.imprint.authz.Grant}s ({@link dev.imprint.authz.GrantParser}), compiled into an
 * indexed {@link dev.imprint.authz.Policy}, and a {@link dev.imprint.authz.Decider} answers
 * allow or deny for a {@link dev.imprint.authz.Request}: deny by default, deny overrides allow.
 * {@link dev.imprint.authz.PolicySync} keeps an embedded decider in step with a server's policy.
 * The language is specified in {@code docs/grants.md}; nothing here depends on the server.
 */
package dev.imprint.authz;
