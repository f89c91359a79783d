/**
 * Test support shared by the server's tests and the benchmarks (never by production code):
 * {@link dev.imprint.testkit.TcpProxy}, one loopback proxy whose accept and pump loop carries the
 * faults the tests and the replica benchmark put on a database link as options.
 */
package dev.imprint.testkit;
