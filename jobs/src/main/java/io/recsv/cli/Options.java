package io.recsv.cli;

import io.recsv.config.UserError;
import io.recsv.common.Version;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * A command's arguments, parsed by picocli against the command's {@link Command}: {@code --name value} (or
 * {@code --name=value}) options, flags, {@code -D key=value} config overrides (also {@code -Dkey=value}),
 * {@code --config FILE}s and (where {@code --master} is an option, as in spark-submit) {@code --conf key=value}
 * Spark properties, which may repeat. picocli writes each command's help.
 */
final class Options {

  final Map<String, String> values = new LinkedHashMap<>();
  final List<String> flags = new ArrayList<>();
  final List<String> overrides = new ArrayList<>();
  final List<String> configFiles = new ArrayList<>();
  final List<String> positional = new ArrayList<>();
  /** {@code --conf key=value}: a Spark property, as spark-submit takes it. */
  final List<String> sparkConfs = new ArrayList<>();
  /** --help was asked for: print {@link #usage} and do nothing else. */
  boolean help;

  static Options parse(Command command, List<String> args) {
    CommandLine cl = new CommandLine(spec(command));
    ParseResult parsed;
    try {
      parsed = cl.parseArgs(args.toArray(String[]::new));
    } catch (ParameterException e) {
      throw new UserError(command.name() + ": " + e.getMessage() + " (see recsv " + command.name() + " --help)");
    }
    Options o = new Options();
    o.help = parsed.isUsageHelpRequested();
    for (Command.Opt opt : command.options()) {
      if (!parsed.hasMatchedOption(opt.name())) {
        continue;
      }
      if (opt.label() == null) {
        o.flags.add(opt.name());
      } else {
        o.values.put(opt.name(), parsed.matchedOptionValue(opt.name(), ""));
      }
    }
    if (command.config()) {
      for (String kv : parsed.matchedOptionValue("-D", List.<String>of())) {
        o.overrides.add(requireKeyValue(command, "-D", kv));
      }
      o.configFiles.addAll(parsed.matchedOptionValue("--config", List.<String>of()));
      for (String kv : parsed.matchedOptionValue("--conf", List.<String>of())) {
        o.sparkConfs.add(requireKeyValue(command, "--conf", kv));
      }
    }
    if (parsed.hasMatchedPositional(0)) {
      o.positional.addAll(parsed.matchedPositional(0).getValue());
    }
    return o;
  }

  /** The command's help, as picocli writes it from its options. */
  static String usage(Command command) {
    return new CommandLine(spec(command)).getUsageMessage();
  }

  private static CommandSpec spec(Command command) {
    CommandSpec spec = CommandSpec.create().name("recsv " + command.name());
    // One paragraph, which picocli wraps to the width.
    spec.usageMessage().description(String.join(" ", command.description()))
        .footer(command.notes().toArray(String[]::new)).sortOptions(false).width(100);
    for (Command.Opt opt : command.options()) {
      OptionSpec.Builder b = OptionSpec.builder(opt.name()).description(opt.help());
      spec.addOption(opt.label() == null ? b.arity("0").type(boolean.class).build()
          : b.paramLabel(opt.label()).type(String.class).build());
    }
    if (command.config()) {
      spec.addOption(OptionSpec.builder("-D").paramLabel("key=value").type(List.class)
          .auxiliaryTypes(String.class).description("any config key (see reference.conf); Hadoop's own keys, fs.*"
              + " dfs.* hadoop.* yarn.* ..., go to the Hadoop configuration; may repeat").build());
      spec.addOption(OptionSpec.builder("--config").paramLabel("FILE").type(List.class)
          .auxiliaryTypes(String.class).description("a config file, after the stage's and the environment's;"
              + " may repeat").build());
      if (command.options().stream().anyMatch(opt -> opt.name().equals("--master"))) {
        spec.addOption(OptionSpec.builder("--conf").paramLabel("key=value").type(List.class)
            .auxiliaryTypes(String.class).description("a Spark property, as spark-submit takes it"
                + " (spark.conf.\"key\"); may repeat").build());
      }
    }
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("this help").build());
    spec.addPositional(PositionalParamSpec.builder().paramLabel(command.positional() == null ? "" :
            command.positional()).arity("0..*").type(List.class).auxiliaryTypes(String.class)
        .description("the " + String.valueOf(command.positional()).toLowerCase(java.util.Locale.ROOT) + " to run")
        .hidden(command.positional() == null).build());
    spec.version(Version.line());
    return spec;
  }

  private static String requireKeyValue(Command command, String option, String kv) {
    if (kv.indexOf('=') <= 0) {
      throw new UserError(command.name() + ": " + option + " takes key=value, got '" + kv + "'");
    }
    return kv;
  }

  /** Refuses positional arguments: the command takes options only. */
  void refusePositional(String command) {
    if (!positional.isEmpty()) {
      throw new UserError(command + ": unexpected argument '" + positional.get(0) + "' (options are --name value;"
          + " see recsv " + command + " --help)");
    }
  }

  boolean has(String flag) {
    return flags.contains(flag);
  }

  String get(String name) {
    return values.get(name);
  }

  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  int intValue(String command, String name, int fallback) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new UserError(command + ": " + name + " must be an integer, got '" + v + "'");
    }
  }

  int requiredInt(String command, String name) {
    if (!values.containsKey(name)) {
      throw new UserError(command + ": " + name + " is required");
    }
    return intValue(command, name, 0);
  }
}
