/**
 * The Imprint control plane. {@link dev.imprint.server.ImprintServer} is the composition root:
 * it prepares the data directory (owner-only, checked, locked), opens the store, wires each
 * capability by hand and starts the HTTP API. Capabilities live
 * in their own packages ({@code auth}, {@code audit}, {@code identity}, {@code image}, ...) and
 * add routes through {@link dev.imprint.server.http.ApiModule}.
 */
package dev.imprint.server;
