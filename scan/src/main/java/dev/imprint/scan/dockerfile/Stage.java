package dev.imprint.scan.dockerfile;

import java.util.List;

/**
 * One build stage: the FROM that starts it and the instructions that follow it.
 *
 * @param index 0-based position among the stages
 * @param name the {@code AS} name in lower case, or {@code null}
 * @param from the FROM instruction
 * @param image the base image after ARG substitution (or the name of an earlier stage)
 * @param resolved whether every variable in the image reference had a known value
 * @param instructions the instructions after FROM, up to the next FROM
 */
public record Stage(int index, String name, Instruction from, String image, boolean resolved,
    List<Instruction> instructions) {

  public Stage {
    instructions = List.copyOf(instructions);
  }

  /** Whether the stage starts from the empty {@code scratch} image. */
  public boolean fromScratch() {
    return "scratch".equalsIgnoreCase(image);
  }
}
