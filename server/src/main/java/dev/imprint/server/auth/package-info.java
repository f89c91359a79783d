/**
 * API tokens and roles. A token is random, shown once, stored only as its SHA-256 hash, and
 * revocable at once on every replica (each request checks the store). Roles: admin,
 * pipeline, auditor, workload.
 */
package dev.imprint.server.auth;
