package dev.imprint.cli;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.compose.ComposeReader;
import dev.imprint.scan.compose.ComposeService;
import dev.imprint.scan.dockerfile.Dockerfile;
import dev.imprint.scan.dockerfile.DockerfileParser;
import dev.imprint.scan.dockerfile.Instruction;
import dev.imprint.scan.dockerfile.Stage;
import dev.imprint.scan.kubernetes.KubernetesObject;
import dev.imprint.scan.kubernetes.KubernetesReader;
import dev.imprint.scan.yaml.YamlScalar;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the image references of a Dockerfile (FROM, with {@code --platform} and {@code AS}),
 * a compose file ({@code services.*.image}) or a Kubernetes manifest (every container, init and
 * ephemeral container of every pod spec, multi-document and {@code List}) with the exact range
 * of characters each occupies in the file's text, located with the scanner's parsers and checked
 * against the text so that a rewrite touches those characters and nothing else.
 */
final class ImageReferences {
  /** What kind of file a reference was found in. */
  enum Kind { DOCKERFILE, COMPOSE, KUBERNETES }

  /**
   * One image reference: {@code text} occupies {@code [start, end)} of the file's text, at the
   * 1-based {@code line} and {@code column}; {@code where} says what names it.
   */
  record Located(int start, int end, String text, int line, int column, String where) {}

  /** A reference the parser found but whose characters could not be located exactly. */
  record Unlocated(int line, int column, String text, String why) {}

  /** What one file holds. */
  record Found(Kind kind, List<Located> references, List<Unlocated> skipped) {}

  private ImageReferences() {}

  /**
   * The references of {@code file} in file order, each range once (a YAML alias names the
   * anchored scalar's characters again), or null when it is none of the three kinds.
   */
  static Found find(SourceFile file) {
    Found f = locate(file);
    if (f == null) {
      return null;
    }
    List<Located> refs = new ArrayList<>(f.references());
    refs.sort((a, b) -> Integer.compare(a.start(), b.start()));
    List<Located> distinct = new ArrayList<>();
    for (Located r : refs) {
      if (distinct.isEmpty() || r.start() >= distinct.get(distinct.size() - 1).end()) {
        distinct.add(r);
      }
    }
    return new Found(f.kind(), distinct, f.skipped());
  }

  private static Found locate(SourceFile file) {
    if (DockerfileParser.isDockerfileName(file.name())) {
      return dockerfile(file);
    }
    var compose = ComposeReader.read(file);
    if (compose.isPresent() && compose.get().file() != null) {
      Found f = new Found(Kind.COMPOSE, new ArrayList<>(), new ArrayList<>());
      for (ComposeService s : compose.get().file().services()) {
        if (s.node().get("image") instanceof YamlScalar image) {
          yaml(file, image, "services." + s.name() + ".image", f);
        }
      }
      return f;
    }
    KubernetesReader.Result k8s = KubernetesReader.read(file);
    if (!k8s.objects().isEmpty()) {
      Found f = new Found(Kind.KUBERNETES, new ArrayList<>(), new ArrayList<>());
      for (KubernetesObject o : k8s.objects()) {
        for (KubernetesObject.Container c : o.containers()) {
          if (c.node().get("image") instanceof YamlScalar image) {
            yaml(file, image, o.kind() + " " + o.name() + " " + c.field() + " '" + c.name()
                + "'", f);
          }
        }
      }
      return f;
    }
    return null;
  }

  private static Found dockerfile(SourceFile file) {
    Found f = new Found(Kind.DOCKERFILE, new ArrayList<>(), new ArrayList<>());
    Dockerfile d = DockerfileParser.parse(file);
    Set<String> stages = new HashSet<>();
    int[] starts = lineStarts(file.text());
    for (Stage s : d.stages()) {
      Instruction from = s.from();
      String args = from.arguments();
      int lead = 0;
      while (lead < args.length() && Character.isWhitespace(args.charAt(lead))) {
        lead++;
      }
      int stop = lead;
      while (stop < args.length() && !Character.isWhitespace(args.charAt(stop))) {
        stop++;
      }
      String token = args.substring(lead, stop);
      boolean earlierStage = stages.contains(token.toLowerCase(Locale.ROOT));
      if (s.name() != null) {
        stages.add(s.name());
      }
      if (token.isEmpty() || earlierStage || token.equalsIgnoreCase("scratch")) {
        continue;
      }
      int[] pos = from.position(lead);
      int at = pos[0] - 1 < starts.length ? starts[pos[0] - 1] + pos[1] - 1 : -1;
      if (at >= 0 && at + token.length() <= file.text().length()
          && file.text().startsWith(token, at)) {
        f.references().add(new Located(at, at + token.length(), token, pos[0], pos[1],
            "FROM" + (s.name() == null ? "" : " (stage " + s.name() + ")")));
      } else {
        f.skipped().add(new Unlocated(from.line(), from.column(), token,
            "the image of this FROM is split over lines; pin it by hand"));
      }
    }
    return f;
  }

  /**
   * Locates a YAML scalar's characters: SnakeYAML gives the line and the column in code points
   * of its first character (the quote of a quoted scalar); the text there must be the value, as
   * written, for the reference to be rewritten.
   */
  private static void yaml(SourceFile file, YamlScalar s, String where, Found f) {
    String v = s.value();
    if (v == null) {
      return;
    }
    String text = file.text();
    int[] starts = yamlLineStarts(text);
    int at = -1;
    if (s.line() - 1 < starts.length) {
      try {
        at = text.offsetByCodePoints(starts[s.line() - 1], s.column() - 1);
      } catch (IndexOutOfBoundsException e) {
        at = -1;
      }
    }
    int start = -1;
    if (at >= 0 && at < text.length()) {
      char q = text.charAt(at);
      if (!s.quoted() && text.startsWith(v, at)) {
        start = at;
      } else if (s.quoted() && (q == '"' || q == '\'') && text.startsWith(v, at + 1)
          && at + 1 + v.length() < text.length() && text.charAt(at + 1 + v.length()) == q) {
        start = at + 1;
      }
    }
    if (start < 0 || v.isEmpty()) {
      f.skipped().add(new Unlocated(s.line(), s.column(), v, "written with escapes, folded or"
          + " as a block scalar; pin it by hand"));
      return;
    }
    f.references().add(new Located(start, start + v.length(), v, s.line(), s.column()
        + (start - at), where));
  }

  /** Offsets where lines start, for a parser that breaks lines at LF (CRLF included). */
  static int[] lineStarts(String text) {
    List<Integer> out = new ArrayList<>();
    out.add(0);
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        out.add(i + 1);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Offsets where lines start as YAML counts them: CRLF, LF, CR, NEL, LS and PS. */
  static int[] yamlLineStarts(String text) {
    List<Integer> out = new ArrayList<>();
    out.add(0);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        i++;
        out.add(i + 1);
      } else if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        out.add(i + 1);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Whether a reference is built from variables the file cannot resolve. */
  static boolean templated(String text) {
    return text.contains("$") || text.contains("{{") || text.contains("}}");
  }

  /** Whether a reference is already pinned by a digest. */
  static boolean pinned(String text) {
    return text.contains("@");
  }
}
