package dev.imprint.scan.dockerfile;

import dev.imprint.scan.Diagnostic;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed Dockerfile: its parser directives, the ARGs declared before the first FROM, its build
 * stages and every instruction in file order, plus the diagnostics met while parsing.
 *
 * @param path display path of the file
 * @param escape the escape character ({@code \} or a backtick)
 * @param syntax the {@code # syntax=} directive, or {@code null}
 * @param globalArgs ARG instructions before the first FROM
 * @param stages the build stages in order
 * @param instructions every instruction in file order
 * @param diagnostics problems met while parsing (the model is best effort)
 */
public record Dockerfile(String path, char escape, String syntax, List<Instruction> globalArgs,
    List<Stage> stages, List<Instruction> instructions, List<Diagnostic> diagnostics) {

  public Dockerfile {
    globalArgs = List.copyOf(globalArgs);
    stages = List.copyOf(stages);
    instructions = List.copyOf(instructions);
    diagnostics = List.copyOf(diagnostics);
  }

  /** The stage the image is built from (the last one), if any. */
  public Optional<Stage> finalStage() {
    return stages.isEmpty() ? Optional.empty() : Optional.of(stages.get(stages.size() - 1));
  }

  /** The stage named or numbered {@code ref} (as in {@code COPY --from=ref}), if any. */
  public Optional<Stage> stage(String ref) {
    for (Stage s : stages) {
      if (s.name() != null && s.name().equalsIgnoreCase(ref)
          || String.valueOf(s.index()).equals(ref)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The earlier stage a stage is built FROM, when its base is a stage and not an image. */
  public Optional<Stage> baseStage(Stage stage) {
    for (Stage s : stages) {
      if (s.index() >= stage.index()) {
        break;
      }
      if (s.name() != null && s.name().equals(stage.image().toLowerCase(Locale.ROOT))) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
