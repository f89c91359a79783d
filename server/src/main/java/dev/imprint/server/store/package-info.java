/**
 * The store: SQLite (embedded, WAL) or PostgreSQL behind one {@link
 * dev.imprint.server.store.Database}, migrated by Flyway from the same scripts in
 * {@code db/migration}. Writes are group-committed by one writer thread per process: a unit of
 * work runs in its own savepoint inside a shared transaction and its caller returns only after
 * the commit, so acknowledged changes survive a crash. SQL is portable: times are epoch
 * milliseconds, hashes lower-case hex text.
 */
package dev.imprint.server.store;
