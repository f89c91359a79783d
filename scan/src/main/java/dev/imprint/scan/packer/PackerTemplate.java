package dev.imprint.scan.packer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Packer template, HCL2 or JSON, reduced to what the rules need: its variables, its
 * sources (builders), and its builds with their provisioners and post-processors. Every element
 * carries the 1-based line and column where it starts.
 *
 * @param format the syntax the template was written in
 * @param variables input variables in file order
 * @param sources sources ({@code source "type" "name"} in HCL, {@code builders} in JSON)
 * @param dataSources HCL2 data sources ({@code data "amazon-ami" "name"}), as sources whose
 *     type is the data source's type
 * @param builds builds in file order; a legacy JSON template has exactly one
 */
public record PackerTemplate(Format format, List<Variable> variables, List<Source> sources,
    List<Source> dataSources, List<Build> builds) {

  public PackerTemplate {
    variables = List.copyOf(variables);
    sources = List.copyOf(sources);
    dataSources = List.copyOf(dataSources);
    builds = List.copyOf(builds);
  }

  /** The syntax of a template. */
  public enum Format {
    /** HCL2 native syntax ({@code *.pkr.hcl}). */
    HCL,
    /** HCL2 in its JSON form ({@code *.pkr.json} with {@code source}/{@code build} keys). */
    HCL_JSON,
    /** The legacy JSON template ({@code builders}, {@code provisioners}, {@code variables}). */
    LEGACY_JSON,
    /**
     * A variable file ({@code *.pkrvars.hcl}, {@code *.pkrvars.json}): only variables, whose
     * default is the value the file assigns.
     */
    VARIABLE_FILE
  }

  /** Every provisioner of every build, in file order. */
  public List<Provisioner> provisioners() {
    return builds.stream().flatMap(b -> b.provisioners().stream()).toList();
  }

  /** Every post-processor of every build, in file order. */
  public List<PostProcessor> postProcessors() {
    return builds.stream().flatMap(b -> b.postProcessors().stream()).toList();
  }

  /**
   * An input variable.
   *
   * @param defaultValue the default, or null when there is none
   * @param sensitive whether it is marked sensitive ({@code sensitive = true}, or listed in
   *     {@code sensitive-variables})
   */
  public record Variable(String name, Value defaultValue, boolean sensitive, int line,
      int column) {}

  /**
   * A source (a builder): its type such as {@code amazon-ebs}, its name and its attributes;
   * nested blocks appear as {@link Value.Mapping} attributes (a list of them when repeated).
   */
  public record Source(String type, String name, Map<String, Value> attributes, int line,
      int column) {
    public Source {
      attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public Value attribute(String key) {
      return attributes.get(key);
    }
  }

  /** A build: the provisioners and post-processors it runs, in order. */
  public record Build(String name, List<Provisioner> provisioners,
      List<PostProcessor> postProcessors, int line, int column) {
    public Build {
      provisioners = List.copyOf(provisioners);
      postProcessors = List.copyOf(postProcessors);
    }
  }

  /** A provisioner: its type such as {@code shell} or {@code file} and its attributes. */
  public record Provisioner(String type, Map<String, Value> attributes, int line, int column) {
    public Provisioner {
      attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public Value attribute(String key) {
      return attributes.get(key);
    }

    /** The {@code inline} commands. */
    public List<Value.Scalar> inline() {
      return Value.scalars(attributes.get("inline"));
    }

    /** The {@code environment_vars} entries ({@code KEY=value}). */
    public List<Value.Scalar> environmentVars() {
      return Value.scalars(attributes.get("environment_vars"));
    }

    /** The {@code script} and {@code scripts} paths. */
    public List<Value.Scalar> scripts() {
      List<Value.Scalar> out = new java.util.ArrayList<>(Value.scalars(attributes.get("script")));
      out.addAll(Value.scalars(attributes.get("scripts")));
      return out;
    }

    /** The {@code source} and {@code sources} of a {@code file} provisioner. */
    public List<Value.Scalar> fileSources() {
      List<Value.Scalar> out = new java.util.ArrayList<>(Value.scalars(attributes.get("source")));
      out.addAll(Value.scalars(attributes.get("sources")));
      return out;
    }

    /** The {@code destination} of a {@code file} provisioner, or null. */
    public Value.Scalar destination() {
      return attributes.get("destination") instanceof Value.Scalar s ? s : null;
    }
  }

  /** A post-processor: its type such as {@code docker-push} and its attributes. */
  public record PostProcessor(String type, Map<String, Value> attributes, int line,
      int column) {
    public PostProcessor {
      attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
  }
}
