package dev.imprint.scan.ci;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.image.ImageRef;
import dev.imprint.scan.yaml.YamlNode;

/** The job-image check that GitHub Actions and GitLab CI share: latest, untagged, unpinned. */
final class CiImages {
  private CiImages() {}

  /**
   * Reports an image that is not pinned by digest: HIGH for latest or no tag, MEDIUM for a tag.
   * Templated references ({@code ${{ }}}, {@code $VAR}) are left alone.
   */
  static void check(Rule rule, SourceFile file, Sink sink, YamlNode n, String what, String key) {
    if (n == null || n.text() == null) {
      return;
    }
    String image = n.text().trim();
    if (ImageRef.isTemplated(image) || image.isEmpty()) {
      return;
    }
    ImageRef ref = ImageRef.parse(image);
    if (ref.pinned()) {
      return;
    }
    boolean mutable = ref.latest() || ref.untagged();
    String why = ref.latest() ? "uses the latest tag" : ref.untagged()
        ? "has no tag (means latest)" : "is not pinned by digest";
    sink.report(rule.at(file.location(n.line(), n.column()),
        "image '" + image + "' of the " + what + " " + why)
        .withKey(key).withSeverity(mutable ? Severity.HIGH : Severity.MEDIUM));
  }
}
