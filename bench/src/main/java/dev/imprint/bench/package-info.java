/** Benchmarks of the scanner (JMH) and the corpus generator; never part of the product jar. */
package dev.imprint.bench;
