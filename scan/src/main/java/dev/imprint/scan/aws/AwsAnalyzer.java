package dev.imprint.scan.aws;

import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfModule;
import dev.imprint.scan.terraform.TfReader;
import dev.imprint.scan.terraform.TfValues;
import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Finds AWS identity and network risks in Terraform: long-lived keys and hard-coded secrets,
 * overprivileged and escalating IAM policies, trust policies open to everyone, instance
 * metadata exposure, open security groups and NACLs, and mutable base images. Files are read
 * per file; rules run per module (directory) once every file is read, so references across
 * files of a module resolve, and so do variables (from the directory's auto-loaded tfvars or
 * their defaults) and locals.
 */
public final class AwsAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "aws";
  }

  @Override
  public List<Rule> rules() {
    return AwsRules.ALL;
  }

  @Override
  public Session start(ScanSettings settings) {
    return new AwsSession();
  }

  /** One scan: parsed Terraform files grouped by directory. */
  private static final class AwsSession implements Session {
    private final Map<String, ConcurrentLinkedQueue<Tf.File>> modules = new ConcurrentHashMap<>();

    @Override
    public void analyze(SourceFile file, Sink sink) {
      Tf.File parsed;
      if (file.lowerName().endsWith(".tf")) {
        parsed = TfReader.read(file);
      } else if (TfValues.autoLoaded(file.name())) {
        parsed = TfReader.parseDefinitions(file).file();
      } else {
        return;
      }
      if (parsed == null || parsed.blocks().isEmpty()) {
        return;
      }
      String path = file.path();
      int slash = path.lastIndexOf('/');
      String dir = slash < 0 ? "" : path.substring(0, slash);
      modules.computeIfAbsent(dir, d -> new ConcurrentLinkedQueue<>()).add(parsed);
    }

    @Override
    public void finish(Sink sink) {
      for (Map.Entry<String, ConcurrentLinkedQueue<Tf.File>> e : new TreeMap<>(modules)
          .entrySet()) {
        List<Tf.File> files = new ArrayList<>(e.getValue());
        files.sort(Comparator.comparing(f -> f.source().path()));
        new AwsChecks(new TfModule(files), sink).run();
      }
    }
  }
}
