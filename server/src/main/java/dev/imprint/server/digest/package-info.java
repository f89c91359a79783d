/**
 * SHA-256 as the server computes it everywhere: token and cookie hashes, audit leaves, cache
 * keys, short ids. One class ({@link dev.imprint.server.digest.Sha256}) so that no request pays
 * for a provider lookup and a fresh digest object per hash.
 */
package dev.imprint.server.digest;
