/**
 * Benchmarks for Imprint, never part of the product jar: a deterministic corpus generator
 * ({@link dev.imprint.bench.CorpusGenerator}), JMH benchmarks of the in-process scan engine
 * ({@link dev.imprint.bench.ScanBenchmark}, {@link dev.imprint.bench.AnalyzerBenchmark}), and,
 * beside this module, {@code scan-bench.sh}, which measures the real command line end to end.
 */
package dev.imprint.bench;
