package dev.imprint.scan.inventory;

import dev.imprint.scan.SourceFile;

/** Reads one kind of source into {@link Facts}; returns at once for files of other kinds. */
interface Extractor {
  /** Called for every file, from several threads. Never throws for malformed input. */
  void read(SourceFile file, Facts facts);
}
