package dev.imprint.scan.dockerfile;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One Dockerfile instruction after line continuations were joined and comments inside them
 * removed, with the exact place of its keyword and a map back from argument offsets to lines.
 */
public final class Instruction {
  private final String keyword;
  private final int line;
  private final int column;
  private final int endLine;
  private final String arguments;
  private final int argumentsOffset;
  private final List<String> flags;
  private final List<String> execForm;
  private final List<String> words;
  private final List<KeyValue> pairs;
  private final List<Heredoc> heredocs;
  private final Instruction trigger;
  private final int[] segStart;
  private final int[] segLine;
  private final int[] segColumn;

  Instruction(String keyword, int line, int column, int endLine, String arguments,
      int argumentsOffset, List<String> flags, List<String> execForm, List<String> words,
      List<KeyValue> pairs, List<Heredoc> heredocs, Instruction trigger, int[][] segments) {
    this.keyword = keyword;
    this.line = line;
    this.column = column;
    this.endLine = endLine;
    this.arguments = arguments;
    this.argumentsOffset = argumentsOffset;
    this.flags = List.copyOf(flags);
    this.execForm = execForm == null ? null : List.copyOf(execForm);
    this.words = List.copyOf(words);
    this.pairs = List.copyOf(pairs);
    this.heredocs = List.copyOf(heredocs);
    this.trigger = trigger;
    this.segStart = segments[0];
    this.segLine = segments[1];
    this.segColumn = segments[2];
  }

  /** The instruction keyword in upper case, e.g. {@code RUN}. */
  public String keyword() {
    return keyword;
  }

  public boolean is(String name) {
    return keyword.equals(name);
  }

  /** 1-based line of the keyword. */
  public int line() {
    return line;
  }

  /** 1-based column of the keyword. */
  public int column() {
    return column;
  }

  /** 1-based line where the instruction (without heredoc bodies) ends. */
  public int endLine() {
    return endLine;
  }

  /** The arguments after the flags, continuations joined, as written (no substitution). */
  public String arguments() {
    return arguments;
  }

  /** The flags as written without the dashes, e.g. {@code from=builder}, {@code link}. */
  public List<String> flags() {
    return flags;
  }

  /** The value of the first flag with this name, e.g. {@code flag("from")}. */
  public Optional<String> flag(String name) {
    return flagValues(name).stream().findFirst();
  }

  /** Every value of flags with this name ({@code --mount} may repeat). */
  public List<String> flagValues(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return flags.stream().filter(f -> f.toLowerCase(Locale.ROOT).equals(n)
        || f.toLowerCase(Locale.ROOT).startsWith(n + "="))
        .map(f -> f.contains("=") ? f.substring(f.indexOf('=') + 1) : "").toList();
  }

  /** Whether the arguments are a JSON array (exec form). */
  public boolean isExecForm() {
    return execForm != null;
  }

  /** The JSON (exec) form array, or an empty list in shell form. */
  public List<String> execForm() {
    return execForm == null ? List.of() : execForm;
  }

  /**
   * The arguments split into words with quotes removed; for instructions the builder expands
   * (FROM, COPY, ADD, USER, EXPOSE, WORKDIR, ...) ARG and ENV references are substituted.
   */
  public List<String> words() {
    return words;
  }

  /** The key/value pairs of ENV, ARG and LABEL. */
  public List<KeyValue> pairs() {
    return pairs;
  }

  public List<Heredoc> heredocs() {
    return heredocs;
  }

  /** The instruction an ONBUILD defers, or {@code null}. */
  public Instruction trigger() {
    return trigger;
  }

  /** The line and column of a 0-based offset into {@link #arguments()}. */
  public int[] position(int offset) {
    int logical = argumentsOffset + Math.max(0, offset);
    int i = segStart.length - 1;
    while (i > 0 && segStart[i] > logical) {
      i--;
    }
    return new int[] {segLine[i], segColumn[i] + logical - segStart[i]};
  }

  int argumentsOffset() {
    return argumentsOffset;
  }

  int[][] segments() {
    return new int[][] {segStart, segLine, segColumn};
  }

  @Override
  public String toString() {
    return keyword + "@" + line + ":" + column;
  }
}
