package dev.imprint.scan.terraform;

import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The Terraform files of one scan grouped by directory (one module each), filled from the
 * scanner's threads as files are read and turned into {@link TfModule}s once all are: what the
 * rules that resolve references, variables and locals across a module's files run on.
 */
public final class TfModules {
  private final Map<String, ConcurrentLinkedQueue<Tf.File>> byDirectory =
      new ConcurrentHashMap<>();
  /** JSON documents a module may read with {@code file()} or {@code templatefile()}. */
  private final Map<String, SourceFile> documents = new ConcurrentHashMap<>();
  /** Largest document kept (an IAM policy is far smaller). */
  private static final int MAX_DOCUMENT = 512 * 1024;

  /**
   * A file of a module: a {@code .tf} file, or an auto-loaded variable definitions file
   * ({@code terraform.tfvars}, {@code *.auto.tfvars}) that gives its variables their values;
   * null for any other file and for one that cannot be read.
   */
  public static Tf.File read(SourceFile file) {
    if (file.lowerName().endsWith(".tf")) {
      return TfReader.read(file);
    }
    return TfValues.autoLoaded(file.name()) ? TfReader.parseDefinitions(file).file() : null;
  }

  /** The directory, and so the module, that the file at {@code path} belongs to. */
  public static String directoryOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  /**
   * Reads {@code file} (see {@link #read}) and keeps it in its module when it has blocks.
   *
   * @return what was read, null when nothing was
   */
  public Tf.File add(SourceFile file) {
    Tf.File parsed = read(file);
    if (parsed == null && isDocument(file)) {
      documents.put(TfModule.documentKey(file.root(), file.path()), file);
    }
    if (parsed != null && !parsed.blocks().isEmpty()) {
      byDirectory.computeIfAbsent(directoryOf(file.path()), d -> new ConcurrentLinkedQueue<>())
          .add(parsed);
    }
    return parsed;
  }

  /** A JSON object in a file a template function could read ({@code .json}, {@code .tpl}). */
  private static boolean isDocument(SourceFile file) {
    String n = file.lowerName();
    return (n.endsWith(".json") || n.endsWith(".tpl") || n.endsWith(".tftpl")
        || n.endsWith(".tmpl")) && file.text().length() <= MAX_DOCUMENT
        && file.text().stripLeading().startsWith("{");
  }

  /** The modules, by directory, each with its files in path order (a stable report order). */
  public List<TfModule> modules() {
    List<TfModule> out = new ArrayList<>();
    for (ConcurrentLinkedQueue<Tf.File> queue : new TreeMap<>(byDirectory).values()) {
      List<Tf.File> files = new ArrayList<>(queue);
      files.sort(Comparator.comparing(f -> f.source().path()));
      out.add(new TfModule(files, documents::get));
    }
    return out;
  }
}
