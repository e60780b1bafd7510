package io.recsv.cli;

import io.recsv.common.UserError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's arguments: {@code --name value} options (from a fixed set per command), flags,
 * {@code -D key=value} config overrides, {@code --config FILE}s and (where {@code --master} is an option, as in
 * spark-submit) {@code --conf key=value} Spark properties, which may repeat.
 */
final class Options {

  final Map<String, String> values = new LinkedHashMap<>();
  final List<String> flags = new ArrayList<>();
  final List<String> overrides = new ArrayList<>();
  final List<String> configFiles = new ArrayList<>();
  final List<String> positional = new ArrayList<>();
  /** {@code --conf key=value}: a Spark property, as spark-submit takes it. */
  final List<String> sparkConfs = new ArrayList<>();

  static Options parse(String command, List<String> args, Set<String> valued, Set<String> flagNames) {
    Options o = new Options();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--conf") && valued.contains("--master")) {
        if (i + 1 >= args.size()) {
          throw new UserError(command + ": --conf needs key=value");
        }
        o.sparkConfs.add(requireKeyValue(command, args.get(++i)));
      } else if (a.equals("-D") || a.equals("--config") || valued.contains(a)) {
        if (i + 1 >= args.size()) {
          throw new UserError(command + ": " + a + " needs a value");
        }
        String v = args.get(++i);
        switch (a) {
          case "-D" -> o.overrides.add(requireKeyValue(command, v));
          case "--config" -> o.configFiles.add(v);
          default -> o.values.put(a, v);
        }
      } else if (a.startsWith("-D") && a.length() > 2) {
        o.overrides.add(requireKeyValue(command, a.substring(2)));
      } else if (flagNames.contains(a)) {
        o.flags.add(a);
      } else if (a.startsWith("-")) {
        throw new UserError(command + ": unknown option " + a + " (see recsv " + command + " --help)");
      } else {
        o.positional.add(a);
      }
    }
    return o;
  }

  private static String requireKeyValue(String command, String kv) {
    if (kv.indexOf('=') <= 0) {
      throw new UserError(command + ": -D takes key=value, got '" + kv + "'");
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
