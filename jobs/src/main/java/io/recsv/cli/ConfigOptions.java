package io.recsv.cli;

import io.recsv.config.UserError;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The config a command reads beyond its stage's and environment's files: {@code --config FILE}s and {@code -D}. */
final class ConfigOptions {

  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  @Option(names = "--config", paramLabel = "FILE",
      description = "a config file, after the stage's and the environment's; may repeat")
  final List<String> files = new ArrayList<>();

  @Option(names = "-D", paramLabel = "key=value", description = "any config key (see reference.conf); Hadoop's own"
      + " keys, fs.* dfs.* hadoop.* yarn.* ..., go to the Hadoop configuration; may repeat")
  private final List<String> overrides = new ArrayList<>();

  /** The -D overrides, in order (a later one wins). */
  List<String> overrides() {
    return requireKeyValues(command, "-D", overrides);
  }

  /** {@code values}, each {@code key=value}; else an error that names the command, the option and the value. */
  static List<String> requireKeyValues(CommandSpec command, String option, List<String> values) {
    for (String keyValue : values) {
      if (keyValue.indexOf('=') <= 0) {
        throw new UserError(command.name() + ": " + option + " takes key=value, got '" + keyValue + "'");
      }
    }
    return values;
  }
}
