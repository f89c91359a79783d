/**
 * The HTTP layer: translates requests to calls and results to JSON, nothing more. Every route
 * declares the roles it admits ({@link dev.imprint.server.http.Api}); a route without a token
 * gets 401, a token of another role 403; errors are RFC 9457 problem documents with a stable
 * code ({@link dev.imprint.server.http.ApiProblem}). Request bodies are size-bounded and
 * parsed strictly ({@link dev.imprint.server.http.Json}: unknown fields are refused).
 */
package dev.imprint.server.http;
