/**
 * The store: SQLite (embedded, WAL) or PostgreSQL behind one {@link
 * dev.imprint.server.store.Database}, migrated by Flyway from the same scripts in
 * {@code db/migration}. Writes are group-committed by one writer thread per process: a unit of
 * work runs in its own savepoint inside a shared transaction and its caller returns only after
 * the commit, so acknowledged changes survive a crash; work that must run last in the
 * transaction (the audit appends) is deferred to its end, where replicas on one PostgreSQL take
 * their shared lock. No request waits for the store without a bound ({@link
 * dev.imprint.server.store.StoreSettings}); a probe keeps whether the store answers in memory,
 * and a commit whose answer was lost is looked up before its callers are answered. SQL is
 * portable: times are epoch milliseconds, hashes lower-case hex text.
 */
package dev.imprint.server.store;
