package dev.imprint.scan.ci;

import java.util.List;

/**
 * What the line-oriented Jenkinsfile reader understood of a pipeline: its shell and echo steps
 * with their Groovy strings, the variables that hold credentials and where they are bound, the
 * {@code environment} assignments and the agent images. Offsets are 0-based into the file's
 * text; lines and columns are 1-based.
 *
 * @param shellSteps {@code sh}, {@code bat}, {@code powershell} and {@code pwsh} steps
 * @param echoSteps Groovy {@code echo} steps
 * @param credentialScopes {@code withCredentials([...]) { ... }} blocks
 * @param environment {@code environment { NAME = ... }} entries
 * @param images agent and {@code docker.image(...)} images
 */
public record Jenkinsfile(List<ShellStep> shellSteps, List<EchoStep> echoSteps,
    List<CredentialScope> credentialScopes, List<EnvEntry> environment,
    List<AgentImage> images) {

  public Jenkinsfile {
    shellSteps = List.copyOf(shellSteps);
    echoSteps = List.copyOf(echoSteps);
    credentialScopes = List.copyOf(credentialScopes);
    environment = List.copyOf(environment);
    images = List.copyOf(images);
  }

  /** How a Groovy string literal was quoted; double quotes interpolate {@code $x}. */
  public enum Quote {
    SINGLE, DOUBLE, TRIPLE_SINGLE, TRIPLE_DOUBLE;

    public boolean interpolates() {
      return this == DOUBLE || this == TRIPLE_DOUBLE;
    }
  }

  /**
   * A Groovy string literal.
   *
   * @param text the raw text between the quotes (escapes kept)
   * @param quote how it was quoted
   * @param offset offset of the first character of {@code text}
   * @param line 1-based line of the opening quote
   * @param column 1-based column of the opening quote
   */
  public record GroovyString(String text, Quote quote, int offset, int line, int column) {}

  /** A shell step ({@code sh}, {@code bat}, {@code powershell}, {@code pwsh}) and its script. */
  public record ShellStep(String step, GroovyString script) {}

  /** A Groovy {@code echo} step and its message. */
  public record EchoStep(GroovyString message) {}

  /**
   * A {@code withCredentials} block: the variables it binds and the offsets of its body.
   *
   * @param variables names bound by the bindings ({@code variable}, {@code usernameVariable},
   *     {@code passwordVariable}, {@code keyFileVariable}, ...)
   * @param start offset of the body's opening brace
   * @param end offset of the body's closing brace (or the end of the file when unclosed)
   * @param line 1-based line of {@code withCredentials}
   */
  public record CredentialScope(List<String> variables, int start, int end, int line) {
    public CredentialScope {
      variables = List.copyOf(variables);
    }

    public boolean covers(int offset) {
      return offset > start && offset < end;
    }
  }

  /**
   * An {@code environment} entry: {@code NAME = credentials('id')} or {@code NAME = 'literal'}.
   *
   * @param name the variable
   * @param credentialsId the credentials id, or {@code null} for a literal
   * @param value the literal, or {@code null} for credentials and other expressions
   * @param line 1-based line of the name
   * @param column 1-based column of the name
   */
  public record EnvEntry(String name, String credentialsId, GroovyString value, int line,
      int column) {}

  /** An image named by {@code docker 'x'}, {@code image 'x'} or {@code docker.image('x')}. */
  public record AgentImage(String image, int line, int column) {}
}
