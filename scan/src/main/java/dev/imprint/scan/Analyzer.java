package dev.imprint.scan;

import java.util.List;

/**
 * Reads one kind of source (Dockerfiles, Kubernetes manifests, Terraform, ...) and runs the
 * rules it owns over it. An analyzer is stateless; each scan gets a fresh {@link Session}.
 */
public interface Analyzer {

  /** Short lower-case name, e.g. {@code dockerfile}. */
  String name();

  /** The rules this analyzer can report, in catalog order. */
  List<Rule> rules();

  /** Starts one scan. */
  Session start(ScanSettings settings);

  /** The state of one analyzer during one scan. */
  interface Session {

    /**
     * Looks at one text file; returns at once if the file is not of this analyzer's kind.
     * Called for every file, from several threads at once: keep cross-file state thread-safe.
     * A file that does not parse is reported as a {@link Diagnostic.Kind#PARSE_ERROR}.
     */
    void analyze(SourceFile file, Sink sink);

    /** Runs cross-file rules once every file was analyzed. Called from one thread. */
    default void finish(Sink sink) {}
  }

  /** Where an analyzer reports what it found. */
  interface Sink {
    void report(Finding finding);

    void diagnose(Diagnostic diagnostic);
  }
}
