/**
 * The HTTP layer: translates requests to calls and results to JSON, nothing more. Every route
 * declares the roles it admits ({@link dev.imprint.server.http.Api}); a route without a token
 * gets 401, a token of another role 403; errors are RFC 9457 problem documents with a stable
 * code ({@link dev.imprint.server.http.ApiProblem}), Jetty's own errors included ({@link
 * dev.imprint.server.http.ProblemErrorHandler}). Request bodies are parsed strictly as they
 * stream in ({@link dev.imprint.server.http.Json}: no duplicate keys, no coercion, no unknown
 * fields), large documents only as far as a route uses them ({@link
 * dev.imprint.server.http.Shape}), and all bodies in flight share a memory budget ({@link
 * dev.imprint.server.http.BodyBudget}); at most a share of the threads serve API requests, so
 * that health and metrics always answer ({@link dev.imprint.server.http.ApiCapacity}).
 */
package dev.imprint.server.http;
