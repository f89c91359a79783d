package dev.imprint.scan.terraform;

import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Terraform files of one directory (one module), with lookups across them; its auto-loaded
 * variable definitions files ({@code terraform.tfvars}, {@code *.auto.tfvars}) may be among the
 * files, as read by {@link TfReader#parseDefinitions}, and give variables their values.
 */
public final class TfModule {
  /** A block and the file it is in. */
  public record Located(Tf.Block block, Tf.File file) {}

  private final List<Tf.File> files;
  private final List<Located> blocks = new ArrayList<>();
  private final Map<String, Located> byAddress = new HashMap<>();
  private TfValues values;
  private final Function<String, SourceFile> documents;
  /** A path as Terraform writes it relative to the module: {@code ${path.module}/x.json}. */
  private static final Pattern MODULE_PATH =
      Pattern.compile("(?:\\$\\{\\s*path\\.(?:module|root)\\s*}/)?((?:\\.{0,2}/)*[^$\\s{}]+)");

  public TfModule(List<Tf.File> files) {
    this(files, key -> null);
  }

  /**
   * A module whose {@code file()} and {@code templatefile()} calls can read the scan's other
   * files, looked up by {@link #documentKey}.
   */
  public TfModule(List<Tf.File> files, Function<String, SourceFile> documents) {
    this.documents = documents;
    this.files = List.copyOf(files);
    for (Tf.File f : this.files) {
      for (Tf.Block b : f.blocks()) {
        Located l = new Located(b, f);
        blocks.add(l);
        if (b.type().equals("resource") || b.type().equals("data")) {
          byAddress.putIfAbsent(b.address(), l);
        }
      }
    }
  }

  /**
   * The value with the module's {@code var.*} and {@code local.*} replaced where they are known
   * statically (see {@link TfValues}); the same instance when nothing resolves.
   */
  public Tf.Value resolve(Tf.Value v) {
    if (v == null) {
      return null;
    }
    if (values == null) {
      values = new TfValues(files);
    }
    return values.resolve(v);
  }

  /**
   * The variables and locals a value uses that {@link #resolve} replaced, for messages such as
   * "(from var.actions)"; empty when nothing was replaced.
   */
  public List<String> resolvedFrom(Tf.Value v) {
    List<String> out = new ArrayList<>();
    if (v == null || resolve(v) == v) {
      return out;
    }
    for (String r : v.refs()) {
      if ((r.startsWith("var.") || r.startsWith("local.")) && !out.contains(r)) {
        out.add(r);
      }
    }
    return out;
  }

  /** The key a document of the scan is kept under: its scan root and path. */
  public static String documentKey(String root, String path) {
    return root + "\u0000" + path;
  }

  /**
   * The file a {@code file(PATH)} or {@code templatefile(PATH, ...)} call reads, when PATH is
   * a literal or starts with {@code ${path.module}} and the file is among the scanned ones;
   * null otherwise.
   */
  public SourceFile document(Tf.Value path) {
    if (files.isEmpty() || !(resolve(path) instanceof Tf.Str s)) {
      return null;
    }
    Matcher m = MODULE_PATH.matcher(s.text().trim());
    if (!m.matches() || m.group(1).startsWith("/")) {
      return null;
    }
    SourceFile first = files.get(0).source();
    List<String> parts = new ArrayList<>();
    String dir = TfModules.directoryOf(first.path());
    for (String p : (dir.isEmpty() ? m.group(1) : dir + "/" + m.group(1)).split("/")) {
      if (p.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.remove(parts.size() - 1);
      } else if (!p.isEmpty() && !p.equals(".")) {
        parts.add(p);
      }
    }
    return documents.apply(documentKey(first.root(), String.join("/", parts)));
  }

  public List<Tf.File> files() {
    return files;
  }

  /**
   * Where a value was written: its file and 1-based line and column; null for a value built by
   * resolution (a list whose elements came from several places, a substituted template).
   */
  public record Place(Tf.File file, int line, int column) {}

  /**
   * The value as written that {@link #resolve} rebuilt a value from (an object whose entries
   * were substituted), or the value itself.
   */
  public Tf.Value origin(Tf.Value v) {
    return v == null || values == null ? v : values.origin(v);
  }

  /** Where a value of this module was written, or null (see {@link Place}). */
  public Place place(Tf.Value v) {
    if (v == null) {
      return null;
    }
    Tf.Value written = values == null ? v : values.origin(v);
    for (Tf.File f : files) {
      if (f.holds(written)) {
        return new Place(f, f.line(written), f.column(written));
      }
    }
    return null;
  }

  public List<Located> blocks() {
    return blocks;
  }

  public List<Located> resources(String type) {
    return blocks.stream().filter(l -> l.block().isResource(type)).toList();
  }

  public List<Located> data(String type) {
    return blocks.stream().filter(l -> l.block().isData(type)).toList();
  }

  /** The block with this address ({@code aws_iam_role.app}, {@code data.aws_ami.x}). */
  public Located find(String address) {
    return byAddress.get(address);
  }

  /**
   * The block a reference points to: {@code aws_iam_role.app.arn} -> the resource
   * {@code aws_iam_role.app}; {@code data.x.y.json} -> the data source.
   */
  public Located target(String ref) {
    if (ref == null) {
      return null;
    }
    String[] parts = ref.split("\\.");
    if (parts.length >= 3 && parts[0].equals("data")) {
      return find("data." + parts[1] + "." + stripIndex(parts[2]));
    }
    if (parts.length >= 2) {
      return find(parts[0] + "." + stripIndex(parts[1]));
    }
    return null;
  }

  private static String stripIndex(String s) {
    int bracket = s.indexOf('[');
    return bracket < 0 ? s : s.substring(0, bracket);
  }

  /** The blocks a value refers to. */
  public List<Located> targets(Tf.Value v) {
    List<Located> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    for (String r : v.refs()) {
      Located l = target(r);
      if (l != null && !out.contains(l)) {
        out.add(l);
      }
    }
    return out;
  }

  /**
   * Every address referenced anywhere in the module ({@code aws_security_group.web}), from the
   * attributes the filter accepts (given the top-level block and the attribute name).
   */
  public Set<String> referencedAddresses(BiPredicate<Tf.Block, String> counts) {
    Set<String> out = new HashSet<>();
    for (Located l : blocks) {
      collect(l.block(), l.block(), counts, out);
    }
    return out;
  }

  private static void collect(Tf.Block top, Tf.Block b, BiPredicate<Tf.Block, String> counts,
      Set<String> out) {
    for (Tf.Attr a : b.attrs().values()) {
      if (!counts.test(top, a.name())) {
        continue;
      }
      for (String r : a.value().refs()) {
        String[] parts = r.split("\\.");
        if (parts.length >= 3 && parts[0].equals("data")) {
          out.add("data." + parts[1] + "." + stripIndex(parts[2]));
        } else if (parts.length >= 2) {
          out.add(parts[0] + "." + stripIndex(parts[1]));
        }
      }
    }
    for (Tf.Block nested : b.blocks()) {
      collect(top, nested, counts, out);
    }
  }
}
