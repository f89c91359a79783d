package dev.imprint.scan.packer;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.packer.PackerReader.Parsed;
import dev.imprint.scan.packer.PackerReader.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the assignments of an HCL variable file ({@code name = "value"}, one per line). Only
 * quoted single-line strings matter to the rules; any other line (lists, maps, heredocs,
 * comments) is passed over, so a variable file never fails to read.
 */
final class VariableFiles {
  private static final int MAX_LINE = 4000;
  private static final Pattern ASSIGNMENT = Pattern.compile(
      "^([ \\t]{0,200})([A-Za-z_][A-Za-z0-9_-]{0,200})[ \\t]{0,200}=[ \\t]{0,200}"
          + "(\"(?:[^\"\\\\\\n]|\\\\.){0," + MAX_LINE + "}\")[ \\t]*(?:(?:#|//).*)?$");

  private VariableFiles() {}

  static Result readHcl(SourceFile file) {
    List<PackerTemplate.Variable> variables = new ArrayList<>();
    int count = file.lineCount();
    for (int n = 1; n <= count; n++) {
      String line = file.line(n);
      if (line.length() > MAX_LINE) {
        continue;
      }
      Matcher m = ASSIGNMENT.matcher(line);
      if (m.matches()) {
        String quoted = m.group(3);
        String text = unescape(quoted.substring(1, quoted.length() - 1));
        Value v = new Value.Scalar(text, !JsonTemplates.interpolates(text), n, m.start(3) + 1);
        variables.add(new PackerTemplate.Variable(m.group(2), v, false, n, m.start(2) + 1));
      }
    }
    return new Parsed(new PackerTemplate(PackerTemplate.Format.VARIABLE_FILE, variables,
        List.of(), List.of(), List.of()));
  }

  private static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char e = s.charAt(++i);
        out.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
