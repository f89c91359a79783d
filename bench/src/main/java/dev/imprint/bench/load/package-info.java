/**
 * The control plane's load generator: a real server (in this process, on a loopback port) on
 * SQLite or a genuine PostgreSQL, N concurrent clients using {@code java.net.http}, and one
 * class per {@link dev.imprint.bench.load.Scenario} (token creation, token reads; image
 * registration and reads and audit appends join as those APIs land). It reports throughput and
 * p50/p99 latency, beside PostgreSQL's own single-row and batched insert rates on the same
 * machine ({@link dev.imprint.bench.load.PostgresBaseline}).
 */
package dev.imprint.bench.load;
