/**
 * Imprint's scanner: the {@link dev.imprint.scan.Scanner} walks files in parallel and hands each
 * text file to every {@link dev.imprint.scan.Analyzer}; analyzers parse one kind of source into a
 * typed model and report {@link dev.imprint.scan.Finding}s of their {@link dev.imprint.scan.Rule}s.
 * Findings are data, never exceptions; files that cannot be read or parsed become
 * {@link dev.imprint.scan.Diagnostic}s and never hide the findings of other files.
 */
package dev.imprint.scan;
