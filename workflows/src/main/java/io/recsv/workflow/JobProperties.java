package io.recsv.workflow;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job's properties as Oozie resolves them for a workflow: the job.properties values (their own {@code ${...}}
 * resolved as Hadoop's Configuration resolves them), else the workflow's {@code <parameters>} defaults. A name
 * neither defines is an error, not an empty string.
 */
public final class JobProperties {

  private static final Pattern EL = Pattern.compile("\\$\\{([^}]*)}");

  private final Properties values;
  private final WorkflowDefinition workflow;

  public JobProperties(Properties values, WorkflowDefinition workflow) {
    this.values = values;
    this.workflow = workflow;
  }

  public static Properties load(Path file) throws IOException {
    Properties job = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      job.load(in);
    }
    return job;
  }

  /** {@code base} with {@code overrides} set over it, as a new Properties. */
  static Properties with(Properties base, Map<String, String> overrides) {
    Properties out = new Properties();
    out.putAll(base);
    out.putAll(overrides);
    return out;
  }

  /** The value of {@code key}, its own {@code ${...}} resolved. */
  public String get(String key) {
    String value = values.getProperty(key);
    if (value == null) {
      value = workflow.parameterDefault(key);
    }
    if (value == null) {
      throw new IllegalArgumentException("job.properties defines no '" + key + "', and the workflow has no default");
    }
    return resolve(value);
  }

  /** {@code text} with every {@code ${name}} replaced by that property's value. */
  public String resolve(String text) {
    return replace(text, this::get);
  }

  /** {@code text} with each {@code ${expression}} replaced by {@code replacement} of it (trimmed). */
  public static String replace(String text, UnaryOperator<String> replacement) {
    Matcher m = EL.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(replacement.apply(m.group(1).trim())));
    }
    m.appendTail(out);
    return out.toString();
  }
}
