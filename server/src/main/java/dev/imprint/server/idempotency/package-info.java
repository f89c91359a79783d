/**
 * {@code Idempotency-Key} for the API's creating requests: a retry with the same key gets the
 * first request's answer, stored in the same transaction as its change and sealed under a key
 * derived from the Idempotency-Key, instead of creating a second resource. {@link
 * dev.imprint.server.idempotency.Idempotent} is what a route calls; {@link
 * dev.imprint.server.idempotency.IdempotencyKeys} keeps the answers.
 */
package dev.imprint.server.idempotency;
