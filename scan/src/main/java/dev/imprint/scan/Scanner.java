package dev.imprint.scan;

import dev.imprint.scan.secret.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Walks scan targets, hands each text file to every analyzer in parallel, and turns what they
 * report into a sorted, de-duplicated, suppressed and fingerprinted {@link ScanReport}. Files
 * stream through a bounded number of workers; the corpus is never held in memory.
 */
public final class Scanner {
  /** Directories never descended into: VCS metadata, dependency and provider caches. */
  static final Set<String> SKIPPED_DIRS =
      Set.of(".git", ".hg", ".svn", ".terraform", "node_modules", ".imprint-cache");

  private static final int BINARY_SNIFF_BYTES = 8000;
  /** The generic name-and-entropy secret rule, which yields to a typed rule on the same line. */
  private static final String GENERIC_SECRET_RULE = "IMP-SECRET-033";

  private final ScanSettings settings;
  private final List<Analyzer> analyzers;
  private final Clock clock;

  private Scanner(ScanSettings settings, List<Analyzer> analyzers, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.analyzers = List.copyOf(analyzers);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A scanner with every built-in analyzer. */
  public static Scanner create(ScanSettings settings) {
    return new Scanner(settings, Catalog.analyzers(), Clock.systemUTC());
  }

  /** A scanner with the given analyzers and clock (for tests). */
  public static Scanner create(ScanSettings settings, List<Analyzer> analyzers, Clock clock) {
    return new Scanner(settings, analyzers, clock);
  }

  /** Notified as files are scanned, for progress display. Called from worker threads. */
  public interface Listener {
    void scanned(long files, long bytes);

    Listener NONE = (files, bytes) -> {};
  }

  /** Thrown when a scan target does not exist or cannot be read at all. */
  public static final class TargetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TargetException(String message) {
      super(message);
    }
  }

  public ScanReport scan(List<Path> targets) {
    return scan(targets, Listener.NONE);
  }

  public ScanReport scan(List<Path> targets, Listener listener) {
    for (Path target : targets) {
      if (!Files.exists(target)) {
        throw new TargetException("scan target " + target + " does not exist");
      }
      if (!Files.isReadable(target)) {
        throw new TargetException("scan target " + target + " cannot be read");
      }
    }
    return new Run(listener).execute(targets);
  }

  /** Scans in-memory files (tests, fuzzing, benchmarks): same pipeline, no file system. */
  public ScanReport scanSources(List<SourceFile> files) {
    Run run = new Run(Listener.NONE);
    long start = System.nanoTime();
    for (SourceFile file : files) {
      run.analyzeText(file);
    }
    return run.finish(start);
  }

  /** One scan's mutable state. */
  private final class Run {
    private final Listener listener;
    private final List<Analyzer.Session> sessions = new ArrayList<>();
    private final ConcurrentLinkedQueue<Finding> findings = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Diagnostic> diagnostics = new ConcurrentLinkedQueue<>();
    private final Map<String, List<InlineIgnores.Directive>> directives =
        new ConcurrentHashMap<>();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicInteger suppressed = new AtomicInteger();
    private final LocalDate today = LocalDate.now(clock);
    private final List<PathMatcher> excludes = new ArrayList<>();

    Run(Listener listener) {
      this.listener = listener;
      for (Analyzer analyzer : analyzers) {
        sessions.add(analyzer.start(settings));
      }
      for (String glob : settings.excludes()) {
        String g = glob.endsWith("/") ? glob + "**" : glob;
        excludes.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
        if (!g.endsWith("/**")) {
          excludes.add(FileSystems.getDefault().getPathMatcher("glob:" + g + "/**"));
        }
      }
    }

    ScanReport execute(List<Path> targets) {
      long start = System.nanoTime();
      int threads = settings.threads() > 0
          ? settings.threads() : Runtime.getRuntime().availableProcessors();
      ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "imprint-scan");
        t.setDaemon(true);
        return t;
      });
      Semaphore inFlight = new Semaphore(threads * 4);
      try {
        for (Path target : targets) {
          walk(target, pool, inFlight);
        }
        inFlight.acquireUninterruptibly(threads * 4);
      } finally {
        pool.shutdown();
      }
      try {
        pool.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return finish(start);
    }

    private void walk(Path target, ExecutorService pool, Semaphore inFlight) {
      boolean single = !Files.isDirectory(target);
      String root = rootName(target);
      try {
        Files.walkFileTree(target, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(target)) {
                  String name = dir.getFileName().toString();
                  if (SKIPPED_DIRS.contains(name) || excluded(target.relativize(dir))) {
                    return FileVisitResult.SKIP_SUBTREE;
                  }
                }
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                Path rel = single ? file.getFileName() : target.relativize(file);
                if (!attrs.isRegularFile() || (!single && excluded(rel))) {
                  return FileVisitResult.CONTINUE;
                }
                String display = displayPath(target, file, single);
                inFlight.acquireUninterruptibly();
                pool.execute(() -> {
                  try {
                    readAndAnalyze(file, display, root, attrs.size());
                  } finally {
                    inFlight.release();
                  }
                });
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFileFailed(Path file, IOException e) {
                String display = displayPath(target, file, single);
                String why = e instanceof FileSystemLoopException ? "symbolic link loop"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : "cannot be read (" + e.getClass().getSimpleName() + ")";
                skip(display, why);
                return FileVisitResult.CONTINUE;
              }
            });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private boolean excluded(Path rel) {
      for (PathMatcher m : excludes) {
        if (m.matches(rel)) {
          return true;
        }
      }
      return false;
    }

    private void skip(String display, String why) {
      skipped.incrementAndGet();
      diagnostics.add(new Diagnostic(Location.of(display, 0), Diagnostic.Kind.SKIPPED, why));
    }

    private void readAndAnalyze(Path file, String display, String root, long size) {
      if (size > settings.maxFileBytes()) {
        skip(display, "larger than the " + settings.maxFileBytes() + "-byte limit (" + size
            + " bytes)");
        return;
      }
      byte[] content;
      try {
        content = Files.readAllBytes(file);
      } catch (IOException | OutOfMemoryError e) {
        skip(display, "cannot be read (" + e.getClass().getSimpleName() + ")");
        return;
      }
      if (content.length > settings.maxFileBytes()) {
        skip(display, "larger than the " + settings.maxFileBytes() + "-byte limit");
        return;
      }
      if (isBinary(content)) {
        skip(display, "binary file");
        return;
      }
      String text;
      try {
        text = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(content)).toString();
      } catch (CharacterCodingException e) {
        skip(display, "not UTF-8 text");
        return;
      }
      if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
        text = text.substring(1);
      }
      analyzeText(new SourceFile(display, file, text, root));
    }

    void analyzeText(SourceFile source) {
      List<Finding> local = new ArrayList<>();
      List<Diagnostic> localDiagnostics = new ArrayList<>();
      Analyzer.Sink sink = new Analyzer.Sink() {
        @Override
        public void report(Finding finding) {
          local.add(finding);
        }

        @Override
        public void diagnose(Diagnostic diagnostic) {
          localDiagnostics.add(source.template() ? asTemplate(diagnostic) : diagnostic);
        }
      };
      for (int i = 0; i < sessions.size(); i++) {
        try {
          sessions.get(i).analyze(source, sink);
        } catch (RuntimeException | StackOverflowError e) {
          // Readers throw nothing for malformed input (that is a located PARSE_ERROR), so
          // this is a bug. Never a stack trace to the user, and never the exception message:
          // it may quote the input, and the input may hold a secret.
          localDiagnostics.add(InternalErrors.diagnose(source.path(),
              analyzers.get(i).name() + " reader", e));
        }
      }
      if (settings.inlineIgnores()) {
        List<InlineIgnores.Directive> found =
            InlineIgnores.parse(source, today, localDiagnostics);
        if (!found.isEmpty()) {
          directives.put(source.path(), found);
        }
      }
      findings.addAll(withoutExamples(source, dedupeSecrets(local)));
      diagnostics.addAll(localDiagnostics);
      listener.scanned(files.incrementAndGet(), bytes.addAndGet(source.text().length()));
    }

    ScanReport finish(long startNanos) {
      Analyzer.Sink sink = new Analyzer.Sink() {
        @Override
        public void report(Finding finding) {
          findings.add(finding);
        }

        @Override
        public void diagnose(Diagnostic diagnostic) {
          diagnostics.add(diagnostic);
        }
      };
      for (int i = 0; i < sessions.size(); i++) {
        try {
          sessions.get(i).finish(sink);
        } catch (RuntimeException | StackOverflowError e) {
          diagnostics.add(InternalErrors.diagnose("<scan>",
              analyzers.get(i).name() + " cross-file rules", e));
        }
      }
      List<Finding> kept = new ArrayList<>();
      for (Finding f : findings) {
        if (settings.disabledRules().contains(f.ruleId())) {
          continue;
        }
        if (ignored(f)) {
          suppressed.incrementAndGet();
          continue;
        }
        Severity override = settings.severityOverrides().get(f.ruleId());
        Finding k = f.keyed(settings.fingerprintKey());
        kept.add(override == null ? k : k.overridden(override));
      }
      List<Finding> sorted = fingerprint(kept);
      List<Diagnostic> diags = new ArrayList<>(diagnostics);
      diags.sort(Comparator.comparing((Diagnostic d) -> d.location().path())
          .thenComparingInt(d -> d.location().line()));
      return new ScanReport(sorted, diags, files.get(), bytes.get(), skipped.get(),
          suppressed.get(), Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private boolean ignored(Finding f) {
      List<InlineIgnores.Directive> list = directives.get(f.location().path());
      if (list == null) {
        return false;
      }
      for (InlineIgnores.Directive d : list) {
        if (d.covers(f)) {
          return true;
        }
      }
      return false;
    }
  }

  static String displayPath(Path target, Path file, boolean single) {
    Path shown = single ? target : target.resolve(target.relativize(file));
    String s = shown.normalize().toString().replace('\\', '/');
    while (s.startsWith("./")) {
      s = s.substring(2);
    }
    return s.isEmpty() ? file.getFileName().toString() : s;
  }

  /** The name of a scan target as the user gave it, normalised ({@code .} for the current one). */
  static String rootName(Path target) {
    String s = target.normalize().toString().replace('\\', '/');
    return s.isEmpty() ? "." : s;
  }

  /**
   * A template engine's file that does not parse as the file it renders (its loops and
   * conditions can make any text) was not read by that reader, which is a skip, not an error
   * in the file.
   */
  static Diagnostic asTemplate(Diagnostic d) {
    if (d.kind() != Diagnostic.Kind.PARSE_ERROR) {
      return d;
    }
    return new Diagnostic(d.location(), Diagnostic.Kind.SKIPPED, "a template read as the file it"
        + " renders, which it is not before rendering (" + d.message() + "); render it and scan"
        + " the output");
  }

  static boolean isBinary(byte[] content) {
    int n = Math.min(content.length, BINARY_SNIFF_BYTES);
    for (int i = 0; i < n; i++) {
      if (content[i] == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Drops the findings whose secret is a placeholder ({@link SecretEvidence#placeholder()}), and
   * those whose value a comment marks as an example ({@link Secrets#exampleComment}) unless a
   * provider format recognised it: one judgement for every rule that reports a secret.
   */
  static List<Finding> withoutExamples(SourceFile source, List<Finding> found) {
    List<Finding> out = new ArrayList<>(found.size());
    for (Finding f : found) {
      SecretEvidence e = f.secret();
      if (e != null && (e.placeholder()
          || !e.format() && Secrets.exampleComment(source, f.location().line()))) {
        continue;
      }
      out.add(f);
    }
    return out;
  }

  /**
   * Keeps one finding per secret value per line: a typed rule (say, a Dockerfile ENV rule)
   * wins over the generic text detectors, and a more severe finding over a less severe one; a
   * generic name-and-entropy finding is dropped from a line a typed rule reported a secret on.
   */
  static List<Finding> dedupeSecrets(List<Finding> local) {
    Map<String, Finding> bySecret = new LinkedHashMap<>();
    List<Finding> out = new ArrayList<>();
    Set<Integer> typedLines = new java.util.HashSet<>();
    for (Finding f : local) {
      if (f.secret() == null) {
        out.add(f);
        continue;
      }
      if (!f.ruleId().startsWith("IMP-SECRET-")) {
        typedLines.add(f.location().line());
      }
      String key = f.location().line() + "\0" + f.secret().fingerprint();
      bySecret.merge(key, f, Scanner::preferred);
    }
    for (Finding f : bySecret.values()) {
      // A typed rule that read this line (a decoded Secret value, a parsed env entry) judged it
      // better than the name-and-entropy heuristic did on the raw text.
      if (!(f.ruleId().equals(GENERIC_SECRET_RULE) && typedLines.contains(f.location().line()))) {
        out.add(f);
      }
    }
    return out;
  }


  /**
   * The finding kept of two of one secret at one line; it carries the other's identity
   * ({@link Finding#aliases()}), so that a baseline written when the other rule won the line
   * still accepts it.
   */
  private static Finding preferred(Finding a, Finding b) {
    boolean aGeneric = a.ruleId().startsWith("IMP-SECRET-");
    boolean bGeneric = b.ruleId().startsWith("IMP-SECRET-");
    boolean keepB = aGeneric != bGeneric ? aGeneric : b.severity().compareTo(a.severity()) > 0;
    return keepB ? b.absorbing(a) : a.absorbing(b);
  }

  /**
   * Sorts findings and gives each a fingerprint from its rule, file, identity key and its
   * occurrence among equal keys; line numbers are left out so that baselines survive edits
   * that move lines, and secret values too (see {@link Finding#identityKey()}). The fingerprint
   * Imprint 0.1 gave each finding is kept beside it, in memory only, to match old baselines.
   */
  static List<Finding> fingerprint(List<Finding> findings) {
    List<Finding> sorted = new ArrayList<>(findings);
    sorted.sort(Comparator.comparing((Finding f) -> f.location().path())
        .thenComparingInt(f -> f.location().line())
        .thenComparingInt(f -> f.location().column())
        .thenComparing(Finding::ruleId)
        .thenComparing(Finding::message));
    Map<String, Integer> seen = new HashMap<>();
    Map<String, Integer> seenLegacy = new HashMap<>();
    List<Finding> out = new ArrayList<>(sorted.size());
    for (Finding f : sorted) {
      String base = f.ruleId() + "\0" + f.location().path() + "\0" + f.identityKey();
      int occurrence = seen.merge(base, 1, Integer::sum);
      String legacyBase = f.ruleId() + "\0" + f.location().path() + "\0"
          + f.legacyIdentityKey();
      int legacyOccurrence = seenLegacy.merge(legacyBase, 1, Integer::sum);
      List<String> aliasPrints = new ArrayList<>(f.aliases().size());
      for (String alias : f.aliases()) {
        // As if the merged finding had been kept: same rule, file and key, counted in order.
        int sep = alias.indexOf('\0');
        String aliasBase = alias.substring(0, sep) + "\0" + f.location().path()
            + alias.substring(sep);
        aliasPrints.add(Digests.sha256Hex(aliasBase + "\0" + seen.merge(aliasBase, 1,
            Integer::sum), 16));
      }
      out.add(f.withFingerprint(Digests.sha256Hex(base + "\0" + occurrence, 16))
          .withLegacyFingerprint(Digests.sha256Hex(legacyBase + "\0" + legacyOccurrence, 16))
          .withOccurrence(occurrence).withAliasFingerprints(aliasPrints));
    }
    return out;
  }

}
