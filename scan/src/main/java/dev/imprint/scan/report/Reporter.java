package dev.imprint.scan.report;

import dev.imprint.scan.ScanReport;
import java.io.IOException;
import java.io.Writer;

/** Writes a scan report in one output format. */
public interface Reporter {

  /** Writes the whole report to {@code out}; does not close it. */
  void write(ScanReport report, Writer out) throws IOException;
}
