package dev.imprint.scan.dockerfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.shell.Words;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Dockerfiles and Containerfiles into a {@link Dockerfile}; never throws on bad input. */
public final class DockerfileParser {
  static final int MAX_INSTRUCTION_CHARS = 256 * 1024;
  static final int MAX_HEREDOC_CHARS = 1024 * 1024;
  static final int MAX_HEREDOCS = 16;
  private static final Set<String> KEYWORDS = Set.of("FROM", "RUN", "CMD", "LABEL",
      "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR",
      "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL");
  private static final Set<String> EXPANDED = Set.of("FROM", "ADD", "COPY", "ENV", "EXPOSE",
      "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "ARG");
  private static final Set<String> WITH_FLAGS = Set.of("FROM", "RUN", "COPY", "ADD",
      "HEALTHCHECK");
  private static final Set<String> EXEC_FORMS = Set.of("RUN", "CMD", "ENTRYPOINT", "SHELL",
      "VOLUME", "COPY", "ADD");
  private static final Pattern DIRECTIVE =
      Pattern.compile("#[ \\t]*([A-Za-z][A-Za-z0-9]{0,30})[ \\t]*=[ \\t]*(\\S{0,500})[ \\t]*");
  private static final Pattern HEREDOC = Pattern.compile(
      "(?<![<\\w])<<(-?)(?:\"([A-Za-z_][A-Za-z0-9_.-]{0,63})\"|'([A-Za-z_][A-Za-z0-9_.-]{0,63})'"
          + "|([A-Za-z_][A-Za-z0-9_]{0,63}))");
  private static final Pattern NOT_DOCKERFILE = Pattern.compile(
      "\\.(dockerignore|md|txt|rst|adoc|html?|json|ya?ml|sh|ps1|py|j2|tpl|bak|orig|swp|lock)$");
  private static final Pattern SOURCE_CODE = Pattern.compile("\\.(go|py|rb|js|mjs|ts|jsx|tsx|java"
      + "|kt|kts|rs|c|h|cc|cpp|hpp|cs|php|pl|pm|bat|cmd|groovy|gradle|xml|toml|ini|cfg|conf|tf"
      + "|hcl|nix|lua|scala|swift|ex|exs|erl|hs|clj|vue|css|scss|sql|properties|env|in|mk)$");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FIRST_INSTRUCTION = Pattern.compile("(?i)(FROM|ARG)\\s+\\S");

  private DockerfileParser() {}

  /** Whether a file name is one of the Dockerfile names this parser reads. */
  public static boolean isDockerfileName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (NOT_DOCKERFILE.matcher(n).find()) {
      return false;
    }
    return n.equals("dockerfile") || n.endsWith(".dockerfile") || n.startsWith("dockerfile.")
        || n.equals("containerfile") || n.endsWith(".containerfile")
        || n.startsWith("containerfile.");
  }

  /**
   * Whether a file is a Dockerfile: one of the {@link #isDockerfileName names}, or a name such
   * as {@code Dockerfile_prod} or {@code Containerfile-dev} whose first instruction is a FROM or
   * an ARG (source files such as {@code dockerfile-parser.go} share the prefix).
   */
  public static boolean isDockerfile(String name, String text) {
    if (isDockerfileName(name)) {
      return true;
    }
    String n = name.toLowerCase(Locale.ROOT);
    boolean prefixed = n.startsWith("dockerfile_") || n.startsWith("dockerfile-")
        || n.startsWith("containerfile_") || n.startsWith("containerfile-");
    return prefixed && !NOT_DOCKERFILE.matcher(n).find() && !SOURCE_CODE.matcher(n).find()
        && startsLikeDockerfile(text);
  }

  private static boolean startsLikeDockerfile(String text) {
    int from = 0;
    for (int guard = 0; guard < 200 && from < text.length(); guard++) {
      int end = text.indexOf('\n', from);
      String line = text.substring(from, end < 0 ? text.length() : end).strip();
      if (!line.isEmpty() && !line.startsWith("#")) {
        return FIRST_INSTRUCTION.matcher(line).lookingAt();
      }
      if (end < 0) {
        return false;
      }
      from = end + 1;
    }
    return false;
  }

  /** Parses a file; problems become {@link Dockerfile#diagnostics()}, never exceptions. */
  public static Dockerfile parse(SourceFile file) {
    return new Run(file).parse();
  }

  /** The state of one parse. */
  private static final class Run {
    private final SourceFile file;
    private final String[] lines;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private char escape = '\\';
    private String syntax;
    private int i;

    Run(SourceFile file) {
      this.file = file;
      this.lines = file.text().split("\r?\n", -1);
    }

    Dockerfile parse() {
      directives();
      List<Instruction> all = new ArrayList<>();
      while (i < lines.length) {
        String line = lines[i];
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          i++;
          continue;
        }
        Instruction ins = instruction();
        if (ins != null) {
          all.add(ins);
        }
      }
      if (all.isEmpty()) {
        problem(1, 1, "no instructions: a Dockerfile needs at least a FROM instruction");
      }
      return stages(all);
    }

    private void directives() {
      Set<String> seen = new java.util.HashSet<>();
      while (i < lines.length) {
        Matcher m = DIRECTIVE.matcher(lines[i]);
        if (!m.matches()) {
          return;
        }
        String name = m.group(1).toLowerCase(Locale.ROOT);
        if (!Set.of("escape", "syntax", "check").contains(name)) {
          return;
        }
        if (!seen.add(name)) {
          problem(i + 1, 1, "parser directive '" + name + "' is given twice; only one is allowed");
        } else if (name.equals("escape")) {
          String v = m.group(2);
          if (v.equals("`") || v.equals("\\")) {
            escape = v.charAt(0);
          } else {
            problem(i + 1, 1, "escape directive must be '\\' or '`'");
          }
        } else if (name.equals("syntax")) {
          syntax = m.group(2);
        }
        i++;
      }
    }

    private Instruction instruction() {
      int startLine = i + 1;
      String first = lines[i];
      int indent = first.length() - first.stripLeading().length();
      StringBuilder logical = new StringBuilder();
      List<int[]> segs = new ArrayList<>();
      int col = indent + 1;
      String piece = first.substring(indent);
      boolean truncated = false;
      while (true) {
        String body = piece.stripTrailing();
        boolean cont = !body.isEmpty() && body.charAt(body.length() - 1) == escape;
        String kept = cont ? body.substring(0, body.length() - 1) : piece;
        if (logical.length() + kept.length() > MAX_INSTRUCTION_CHARS) {
          truncated = true;
        } else {
          segs.add(new int[] {logical.length(), i + 1, col});
          logical.append(kept);
        }
        i++;
        if (!cont) {
          break;
        }
        while (i < lines.length && (lines[i].isBlank() || lines[i].stripLeading().startsWith("#"))) {
          i++;
        }
        if (i >= lines.length) {
          break;
        }
        piece = lines[i];
        col = 1;
      }
      int endLine = i;
      if (truncated) {
        problem(startLine, col, "instruction longer than " + MAX_INSTRUCTION_CHARS
            + " characters; the rest was ignored");
      }
      int[][] seg = new int[3][segs.size()];
      for (int k = 0; k < segs.size(); k++) {
        seg[0][k] = segs.get(k)[0];
        seg[1][k] = segs.get(k)[1];
        seg[2][k] = segs.get(k)[2];
      }
      return build(logical.toString(), startLine, indent + 1, endLine, seg, 0);
    }

    private Instruction build(String text, int line, int column, int endLine, int[][] seg,
        int base) {
      int k = 0;
      while (k < text.length() && !Character.isWhitespace(text.charAt(k))) {
        k++;
      }
      String word = text.substring(0, k);
      String keyword = word.toUpperCase(Locale.ROOT);
      if (!KEYWORDS.contains(keyword)) {
        String shown = word.length() <= 20 && word.matches("[A-Za-z]+") ? "'" + word + "'"
            : "a line";
        problem(line, column, "unknown instruction: " + shown + " is not a Dockerfile "
            + "instruction; expected FROM, RUN, COPY, ENV, ARG, USER, ...");
        return null;
      }
      while (k < text.length() && Character.isWhitespace(text.charAt(k))) {
        k++;
      }
      List<String> flags = new ArrayList<>();
      if (WITH_FLAGS.contains(keyword)) {
        while (text.startsWith("--", k)) {
          int e = k;
          while (e < text.length() && !Character.isWhitespace(text.charAt(e))) {
            e++;
          }
          flags.add(text.substring(k + 2, e));
          k = e;
          while (k < text.length() && Character.isWhitespace(text.charAt(k))) {
            k++;
          }
        }
      }
      String args = text.substring(k);
      Instruction trigger = null;
      if (keyword.equals("ONBUILD")) {
        trigger = build(args, line, column, endLine, seg, base + k);
      }
      String head = keyword.equals("HEALTHCHECK") && args.toUpperCase(Locale.ROOT)
          .startsWith("CMD") ? args.substring(3).strip() : args.strip();
      List<String> exec = null;
      if ((EXEC_FORMS.contains(keyword) || keyword.equals("HEALTHCHECK"))
          && head.startsWith("[")) {
        exec = json(head);
        if (exec == null) {
          int[] p = position(seg, base + k);
          problem(p[0], p[1], keyword + " looks like a JSON (exec) form but is not a valid JSON "
              + "array of strings, e.g. [\"executable\", \"arg\"]; it is read as a shell form");
        }
      }
      if (keyword.equals("SHELL") && exec == null) {
        problem(line, column, "SHELL needs a JSON array, e.g. SHELL [\"/bin/sh\", \"-c\"]");
      }
      List<Heredoc> docs = new ArrayList<>();
      if (exec == null && Set.of("RUN", "COPY", "ADD").contains(keyword)
          && trigger == null && base == 0) {
        heredocs(args, line, docs);
      }
      return new Instruction(keyword, line, column, endLine, args, base + k, flags, exec,
          List.of(), List.of(), docs, trigger, seg);
    }

    private void heredocs(String args, int line, List<Heredoc> out) {
      if (!args.contains("<<")) {
        return;
      }
      Matcher m = HEREDOC.matcher(args);
      while (m.find() && out.size() < MAX_HEREDOCS) {
        boolean strip = !m.group(1).isEmpty();
        String delim = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3)
            : m.group(4);
        boolean quoted = m.group(4) == null;
        int bodyLine = i + 1;
        StringBuilder body = new StringBuilder();
        boolean closed = false;
        boolean tooLong = false;
        while (i < lines.length) {
          String l = lines[i++];
          String cmp = strip ? l.replaceFirst("^\t+", "") : l;
          if (cmp.equals(delim)) {
            closed = true;
            break;
          }
          if (body.length() + cmp.length() < MAX_HEREDOC_CHARS) {
            body.append(cmp).append('\n');
          } else {
            tooLong = true;
          }
        }
        if (!closed) {
          problem(line, 1, "heredoc <<" + delim + " is not terminated: expected a line '"
              + delim + "' before the end of the file");
        }
        if (tooLong) {
          problem(bodyLine, 1, "heredoc <<" + delim + " is longer than " + MAX_HEREDOC_CHARS
              + " characters; the rest was ignored");
        }
        out.add(new Heredoc(delim, quoted, strip, bodyLine, body.toString()));
      }
    }

    private static List<String> json(String text) {
      try {
        JsonNode n = JSON.readTree(text);
        if (n == null || !n.isArray()) {
          return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
          if (!e.isTextual()) {
            return null;
          }
          out.add(e.asText());
        }
        return out;
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        return null;
      }
    }

    private static int[] position(int[][] seg, int logical) {
      int k = seg[0].length - 1;
      while (k > 0 && seg[0][k] > logical) {
        k--;
      }
      return k < 0 ? new int[] {1, 1} : new int[] {seg[1][k], seg[2][k] + logical - seg[0][k]};
    }

    private Dockerfile stages(List<Instruction> all) {
      List<Instruction> globals = new ArrayList<>();
      Map<String, String> globalValues = new HashMap<>();
      List<Stage> stages = new ArrayList<>();
      List<Instruction> out = new ArrayList<>();
      Map<String, Map<String, String>> stageEnv = new HashMap<>();
      Instruction from = null;
      String name = null;
      String image = null;
      boolean resolved = true;
      Map<String, String> vars = null;
      List<Instruction> body = new ArrayList<>();
      for (Instruction raw : all) {
        if (raw.is("FROM")) {
          if (from != null) {
            stages.add(new Stage(stages.size(), name, from, image, resolved, body));
            if (name != null) {
              stageEnv.put(name, vars);
            }
          }
          Words.Result w = Words.split(raw.arguments(), escape, globalValues::get);
          Instruction ins = with(raw, w.words(), List.of());
          out.add(ins);
          from = ins;
          body = new ArrayList<>();
          List<String> ws = w.words();
          image = ws.isEmpty() ? "" : ws.get(0);
          resolved = w.resolved() && !ws.isEmpty();
          name = ws.size() >= 3 && ws.get(1).equalsIgnoreCase("as")
              ? ws.get(2).toLowerCase(Locale.ROOT) : null;
          if (ws.isEmpty()) {
            problem(raw.line(), raw.column(), "FROM needs an image, e.g. FROM alpine:3.20");
          }
          Map<String, String> inherited = stageEnv.get(image.toLowerCase(Locale.ROOT));
          vars = inherited == null ? new LinkedHashMap<>() : new LinkedHashMap<>(inherited);
          continue;
        }
        Map<String, String> scope = vars != null ? vars : globalValues;
        Instruction ins = expand(raw, scope, vars == null ? null : globalValues);
        out.add(ins);
        if (from == null) {
          if (ins.is("ARG")) {
            globals.add(ins);
          } else {
            problem(ins.line(), ins.column(), ins.keyword() + " before the first FROM: only ARG "
                + "may come before FROM");
          }
        } else {
          body.add(ins);
        }
      }
      if (from != null) {
        stages.add(new Stage(stages.size(), name, from, image, resolved, body));
      } else if (!all.isEmpty()) {
        problem(1, 1, "no FROM instruction: a Dockerfile must start a stage with FROM");
      }
      return new Dockerfile(file.path(), escape, syntax, globals, stages, out, diagnostics);
    }

    private Instruction expand(Instruction raw, Map<String, String> vars,
        Map<String, String> globals) {
      if (raw.trigger() != null) {
        // An ONBUILD trigger runs in a child build: expand it against a copy of the scope.
        Instruction t = expand(raw.trigger(), new LinkedHashMap<>(vars), globals);
        Instruction self = with(raw, List.of(), List.of());
        return new Instruction(self.keyword(), self.line(), self.column(), self.endLine(),
            self.arguments(), self.argumentsOffset(), self.flags(), null, List.of(), List.of(),
            List.of(), t, self.segments());
      }
      String k = raw.keyword();
      if (k.equals("ENV") || k.equals("ARG") || k.equals("LABEL")) {
        List<KeyValue> pairs = pairs(raw, vars, globals);
        return with(raw, List.of(), pairs);
      }
      boolean sub = EXPANDED.contains(k);
      Words.Result w = Words.split(raw.arguments(), escape, sub ? vars::get : null);
      return with(raw, w.words(), List.of());
    }

    private List<KeyValue> pairs(Instruction raw, Map<String, String> vars,
        Map<String, String> globals) {
      String k = raw.keyword();
      String args = raw.arguments();
      List<KeyValue> out = new ArrayList<>();
      List<Words.Token> tokens = Words.tokens(args, escape);
      if (tokens.isEmpty()) {
        problem(raw.line(), raw.column(), k + " needs at least one name");
        return out;
      }
      // ENV and LABEL both accept the legacy "NAME value words" form: one pair, the value is
      // the rest of the line.
      boolean legacy = (k.equals("ENV") || k.equals("LABEL")) && !tokens.get(0).raw().contains("=")
          && tokens.size() > 1;
      if (legacy) {
        Words.Token t = tokens.get(0);
        String rawValue = args.substring(tokens.get(1).start()).strip();
        String value = Words.split(rawValue, escape, vars::get).words().stream()
            .reduce((a, b) -> a + " " + b).orElse("");
        int[] p = raw.position(t.start());
        out.add(new KeyValue(t.raw(), value, rawValue, p[0], p[1]));
        if (k.equals("ENV")) {
          vars.put(t.raw(), value);
        }
        return out;
      }
      Map<String, String> updates = new LinkedHashMap<>();
      for (Words.Token t : tokens) {
        int eq = t.raw().indexOf('=');
        int[] p = raw.position(t.start());
        if (eq <= 0) {
          if (k.equals("ARG") && eq < 0) {
            String name = t.raw();
            String inherited = globals != null ? globals.get(name) : null;
            out.add(new KeyValue(name, null, null, p[0], p[1]));
            if (inherited != null && !vars.containsKey(name)) {
              updates.put(name, inherited);
            }
            continue;
          }
          problem(p[0], p[1], k + " expects name=value pairs");
          continue;
        }
        String key = t.raw().substring(0, eq);
        String rawValue = t.raw().substring(eq + 1);
        Words.Result v = Words.split(rawValue, escape, vars::get);
        String value = String.join(" ", v.words());
        if (!v.resolved() && k.equals("ARG")) {
          value = rawValue;
        }
        out.add(new KeyValue(key, value, rawValue, p[0], p[1]));
        if (!k.equals("LABEL") && !(k.equals("ARG") && vars.containsKey(key)
            && globals == null)) {
          updates.put(key, value);
        }
      }
      if (!k.equals("LABEL")) {
        vars.putAll(updates);
      }
      return out;
    }

    private static Instruction with(Instruction r, List<String> words, List<KeyValue> pairs) {
      int[][] seg = r.segments();
      return new Instruction(r.keyword(), r.line(), r.column(), r.endLine(), r.arguments(),
          r.argumentsOffset(), r.flags(), r.isExecForm() ? r.execForm() : null, words, pairs,
          r.heredocs(), r.trigger(), seg);
    }

    private void problem(int line, int column, String message) {
      diagnostics.add(new Diagnostic(file.location(Math.max(1, line), Math.max(1, column)),
          Diagnostic.Kind.PARSE_ERROR, message));
    }
  }
}
