package dev.imprint.scan.terraform;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.shell.CommandLine;
import java.util.ArrayList;
import java.util.List;

/**
 * The shell of {@code local-exec} ({@code command}) and {@code remote-exec} ({@code inline})
 * provisioners, read with the shared shell model ({@link CommandLine}): a credential written on
 * a command line is a literal secret (IMP-TF-002), a download piped into a shell is IMP-TF-005.
 */
final class TfProvisioners {
  /** Deepest nesting of blocks searched for provisioners (bounded work). */
  private static final int MAX_DEPTH = 8;

  private final Tf.File file;
  private final SourceFile source;
  private final Sink sink;

  TfProvisioners(Tf.File file, Sink sink) {
    this.file = file;
    this.source = file.source();
    this.sink = sink;
  }

  void run() {
    for (Tf.Block b : file.blocks()) {
      if (b.type().equals("resource") || b.type().equals("data")) {
        walk(b, b.address(), 0);
      }
    }
  }

  private void walk(Tf.Block b, String owner, int depth) {
    for (Tf.Block child : b.blocks()) {
      if (child.type().equals("provisioner")) {
        provisioner(child, owner);
      } else if (depth < MAX_DEPTH) {
        walk(child, owner, depth + 1);
      }
    }
  }

  private void provisioner(Tf.Block p, String owner) {
    String kind = p.label(0);
    List<Tf.Value> scripts = new ArrayList<>();
    Tf.Value command = p.value("command");
    if (command != null) {
      scripts.add(command);
    }
    if (p.value("inline") instanceof Tf.Tuple t) {
      scripts.addAll(t.items());
    }
    String where = owner + " provisioner \"" + kind + "\"";
    for (int i = 0; i < scripts.size(); i++) {
      if (!(scripts.get(i) instanceof Tf.Str s)) {
        continue;
      }
      int line = file.line(s) > 0 ? file.line(s) : attrLine(p);
      for (CommandLine.Secret secret : CommandLine.secrets(s.text())) {
        int at = TfLiterals.lineOf(source, line, secret.value());
        sink.report(TerraformRules.LITERAL_SECRET.at(source.location(at,
                TfLiterals.columnOf(source, at, secret.value())),
                where + " writes a literal secret on a command line (" + secret.what() + ")")
            .withSecret(SecretEvidence.of(secret.value()))
            .withKey(where + ".command." + secret.what()));
      }
      int n = i;
      CommandLine.pipes(s.text()).stream().findFirst().ifPresent(pipe -> sink.report(
          TerraformRules.PROVISIONER_PIPE.at(source.location(line + lines(s.text(),
              pipe.offset()) + (heredoc(source, line) ? 1 : 0), 1),
              where + " runs a download unverified (" + pipe.what() + ")")
              .withKey(where + ".pipe." + n)));
    }
  }

  private static int attrLine(Tf.Block p) {
    Tf.Attr a = p.attr("command") != null ? p.attr("command") : p.attr("inline");
    return a == null ? 1 : a.line();
  }

  /** Whether the value on a line opens a heredoc, whose text starts on the next line. */
  private static boolean heredoc(SourceFile source, int line) {
    String l = source.line(line);
    return l.contains("<<") && !l.contains("\"");
  }

  private static int lines(String text, int offset) {
    int n = 0;
    for (int i = 0; i < Math.min(offset, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }
}
