/**
 * The control plane's load generator: a real server (in this process, on a loopback port) on
 * SQLite or a genuine PostgreSQL, N concurrent clients using {@code java.net.http}, and one
 * class per {@link dev.imprint.bench.load.Scenario}: token creation and reads, image
 * registration and reads; every write also appends an audit entry in the same commit. It reports throughput and
 * p50/p99 latency, beside PostgreSQL's own single-row and batched insert rates on the same
 * machine ({@link dev.imprint.bench.load.PostgresBaseline}).
 */
package dev.imprint.bench.load;
