package dev.imprint.scan.packer;

import dev.imprint.scan.SourceFile;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads Packer templates into {@link PackerTemplate}: {@code *.pkr.hcl} (HCL2),
 * {@code *.pkr.json} (HCL2's JSON form or a legacy template), legacy {@code *.json} templates
 * recognised by their content, and variable files ({@code *.pkrvars.hcl}, {@code .json}). A
 * file of another kind is {@link NotPacker}, a template that does not parse is {@link Failed}
 * with a location; malformed input never throws, so an exception is a bug and propagates.
 */
public final class PackerReader {
  /** Names a legacy template's top-level keys; cheap test before parsing any other JSON. */
  private static final Pattern BUILDERS_KEY = Pattern.compile("\"builders\"\\s{0,100}:");

  private PackerReader() {}

  /** What reading a file gave. */
  public sealed interface Result permits Parsed, Failed, NotPacker {}

  /** A Packer template. */
  public record Parsed(PackerTemplate template) implements Result {}

  /**
   * A file that looks like a Packer template but does not parse.
   *
   * @param message what was expected at the 1-based line and column; never quotes values
   */
  public record Failed(int line, int column, String message) implements Result {}

  /** A file that is not a Packer template. */
  public record NotPacker() implements Result {}

  /** Whether a file name is one Packer reads, or a JSON file that may be a legacy template. */
  public static boolean candidate(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".pkr.hcl") || n.endsWith(".pkrvars.hcl") || n.endsWith(".json");
  }

  /** Reads one file. */
  public static Result read(SourceFile file) {
    String name = file.lowerName();
    if (name.endsWith(".pkr.hcl")) {
      return HclTemplates.read(file);
    }
    if (name.endsWith(".pkrvars.hcl")) {
      return VariableFiles.readHcl(file);
    }
    if (name.endsWith(".pkrvars.json")) {
      return JsonTemplates.readVariableFile(file);
    }
    if (name.endsWith(".pkr.json")) {
      return JsonTemplates.read(file, true);
    }
    if (name.endsWith(".json") && mayBeLegacyTemplate(file.text())) {
      Result r = JsonTemplates.read(file, false);
      if (r instanceof Failed && !BUILDERS_KEY.matcher(file.text()).find()) {
        return new NotPacker();
      }
      return r;
    }
    return new NotPacker();
  }

  private static boolean mayBeLegacyTemplate(String text) {
    return text.contains("\"builders\"") || text.contains("\"provisioners\"");
  }
}
