/**
 * The web console: server-rendered pages at {@code /} over the same services as the API. A
 * person signs in once with an admin or auditor API token; the console keeps a store-backed
 * session ({@link dev.imprint.server.console.ConsoleSessions}) whose cookie is HttpOnly,
 * SameSite=Strict and Secure under TLS, checks a CSRF token bound to the session on every form,
 * and refuses every change to an auditor. Pages are JTE templates compiled at build time
 * ({@code src/main/jte}); the only script re-checks audit inclusion proofs in the browser; the
 * drawings are SVG made on the server. See {@code docs/console.md}.
 */
package dev.imprint.server.console;
