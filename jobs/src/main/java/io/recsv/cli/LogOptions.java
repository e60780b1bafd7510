package io.recsv.cli;

import io.recsv.config.UserError;
import java.util.Locale;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine.Option;

/** How much a command prints: progress and recsv's own log lines, and stack traces on failure. */
final class LogOptions {

  @Option(names = "--quiet", order = 100, description = "no progress; errors and the result only")
  boolean quiet;

  @Option(names = "--log-level", order = 101, paramLabel = "LEVEL",
      description = "recsv's own log lines: error, warn, info or debug (Spark's: -D spark.log-level=...)")
  String level;

  @Option(names = "--verbose", order = 102, description = "the stack trace of a failure")
  boolean verbose;

  /** Sets recsv's log level: the one asked for, warn with --quiet, else as log4j2.properties has it. */
  void apply() {
    if (quiet || level != null) {
      Configurator.setLevel("io.recsv", level(level != null ? level : "warn"));
    }
  }

  private static Level level(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "error" -> Level.ERROR;
      case "warn" -> Level.WARN;
      case "info" -> Level.INFO;
      case "debug" -> Level.DEBUG;
      default -> throw new UserError("--log-level takes error, warn, info or debug, got '" + name + "'");
    };
  }
}
