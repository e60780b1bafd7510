package io.recsv.cli;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.common.IoErrors;
import io.recsv.common.StageRunner;
import io.recsv.config.UserError;
import io.recsv.config.UserPaths;
import io.recsv.common.Version;
import io.recsv.merge.CsvManifest;
import io.recsv.report.RunReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/** The {@code recsv} command line, for one machine: local Spark, local (or any Hadoop) file system. */
public final class Main {

  static final String USAGE = usage();

  /** The commands, from each one's summary; recsv COMMAND --help has its options. */
  private static String usage() {
    List<String> lines = new ArrayList<>(List.of(
        "recsv - weekly ALS recommendations, published as one verified CSV",
        "",
        "usage: recsv COMMAND [options]        (recsv COMMAND --help for a command's options; recsv --version)",
        "",
        "commands:"));
    for (Command c : Command.ALL) {
      lines.add(String.format("  %-10s %s", c.name(), c.summary()));
    }
    lines.addAll(List.of(
        "  bench      benchmarks that print figures: recsv bench pipeline | merge | score (recsv bench --help)",
        "  oozie      validate, deploy, submit and rerun the Oozie application",
        "  airflow    airflow dag: the same pipeline as an Airflow DAG, generated from the Oozie application",
        "",
        "options are --name value or --name=value; config overrides are -D key=value (any config key, see",
        "reference.conf; Hadoop's own keys, fs.* dfs.* hadoop.* yarn.* ..., go to the Hadoop configuration), the same",
        "for run, stage, the benchmarks and the cluster's stage entry point;",
        "every command takes --verbose (stack traces), --quiet (no progress; errors and the result only) and",
        "--log-level error|warn|info|debug (recsv's own log lines; Spark's: -D spark.log-level=...)"));
    return String.join("\n", lines);
  }

  private final PrintStream out;
  private final Path home;
  /** --quiet: no progress and no per-stage lines; errors and the result only. */
  private boolean quiet;

  Main(PrintStream out, Path home) {
    this.out = out;
    this.home = home;
  }

  /** Set when the user pressed Ctrl-C: what fails after that is the interrupt, not the input or the config. */
  private static volatile boolean interrupted;

  public static void main(String[] args) {
    // Ctrl-C: say so and exit 130. Every output is published only whole (stages swap their directory in, the
    // merge renames a verified file), so nothing is left half-published; the run's lock, whose process is then
    // gone, is taken over by the next run at once.
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> {
      interrupted = true;
      System.err.println("recsv: interrupted; nothing was half-published (rerun to continue: a rerun reuses"
          + " nothing that does not chain)");
      System.exit(130);
    });
    List<String> list = new ArrayList<>(Arrays.asList(args));
    boolean verbose = list.remove("--verbose");
    Path home = Path.of(System.getProperty("recsv.home", ".")).toAbsolutePath().normalize();
    int code;
    try {
      code = new Main(System.out, home).run(list);
    } catch (Throwable t) {
      code = report(t, verbose);
    }
    System.exit(code);
  }

  /** One line for the user; the stack trace only with --verbose. */
  static int report(Throwable t, boolean verbose) {
    if (interrupted) {
      return 130;  // the failure is the interrupt's doing; the signal handler has said so
    }
    UserError user = userError(t);
    if (user == null) {
      user = IoErrors.userErrorFor(t);  // permission denied, no space left: the user can fix those
    }
    if (user != null) {
      System.err.println("recsv: " + user.getMessage());
    } else {
      String text = String.valueOf(t);
      int newline = text.indexOf('\n');
      System.err.println("recsv: failed: " + (newline > 0 ? text.substring(0, newline) : text)
          + (verbose ? "" : " (--verbose shows the stack trace)"));
    }
    if (verbose) {
      t.printStackTrace();
    }
    return user != null ? 2 : 1;
  }

  /** A UserError anywhere in the cause chain (Spark wraps the ones thrown in tasks). */
  static UserError userError(Throwable t) {
    return ExceptionUtils.throwableOfType(t, UserError.class);
  }

  int run(List<String> args) throws Exception {
    if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
      out.println(USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    if (args.get(0).equals("--version")) {
      out.println(Version.line());
      return 0;
    }
    String command = args.get(0);
    List<String> rest = new ArrayList<>(args.subList(1, args.size()));
    quiet = rest.remove("--quiet");
    String logLevel = removeValued(rest, "--log-level");
    if (quiet || logLevel != null) {
      Configurator.setLevel("io.recsv", logLevel(logLevel != null ? logLevel : "warn"));
    }
    if (quiet && (command.equals("run") || command.equals("stage"))) {
      rest.addAll(List.of("-D", "run.progress-every=0", "-D", "spark.log-level=ERROR"));  // last: --quiet wins
    }
    Command chosen = Command.ALL.stream().filter(c -> c.name().equals(command)).findFirst().orElse(null);
    if (chosen != null) {
      Options o = Options.parse(chosen, rest);
      if (o.help) {
        out.print(Options.usage(chosen));
        return 0;
      }
      return switch (command) {
        case "run" -> runPipeline(o);
        case "stage" -> runStage(o);
        case "show" -> new Show(out).run(o, home);
        case "report" -> new ReportCommand(out).run(o, home);
        case "tune" -> new TuneCommand(out).run(o, home);
        default -> generate(o);
      };
    }
    if (command.equals("bench")) {  // a module of its own (not in the jobs jar): the launcher runs it
      throw new UserError("recsv bench runs from the launcher: ./recsv bench --help");
    }
    throw new UserError("unknown command '" + command + "'; see recsv --help");
  }

  /** Removes {@code name value} from {@code args}; the value, or null when absent. */
  private static String removeValued(List<String> args, String name) {
    int at = args.indexOf(name);
    if (at < 0) {
      return null;
    }
    if (at + 1 >= args.size()) {
      throw new UserError(name + " needs a value");
    }
    String value = args.remove(at + 1);
    args.remove(at);
    return value;
  }

  private static Level logLevel(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "error" -> Level.ERROR;
      case "warn" -> Level.WARN;
      case "info" -> Level.INFO;
      case "debug" -> Level.DEBUG;
      default -> throw new UserError("--log-level takes error, warn, info or debug, got '" + name + "'");
    };
  }

  private int runPipeline(Options o) throws Exception {
    o.refusePositional("run");
    LocalPipeline pipeline = new LocalPipeline(home, out);
    List<String> overrides = new ArrayList<>(pathOverrides(o));
    boolean demo = o.get("--input") == null;
    if (demo && YarnPipeline.isYarn(o.get("--master"))) {
      throw new UserError("run --master yarn: give --input, --work and --output on the cluster's file system (the"
          + " demo runs on one machine)");
    }
    String demoInput = null;
    if (demo) {
      if (o.get("--output") != null) {
        throw new UserError("run: --output needs --input (the demo publishes under --work)");
      }
      demoInput = UserPaths.child(o.get("--work", "recsv-work"), "demo-input/interactions.csv");
      overrides.add(0, "prepare.input=" + demoInput);
      overrides.add(0, "merge.overwrite=true");
      if (o.get("--run-id") == null) {
        overrides.add(0, "run.id=demo");
      }
    }
    overrides.addAll(o.overrides);
    LocalPipeline.Configs configs = pipeline.configs(o.get("--env", defaultEnv(o)), o.configFiles, overrides);
    List<StageName> stages = o.get("--from") == null ? pipeline.stageNames() : pipeline.stagesFrom(o.get("--from"));
    if (YarnPipeline.isYarn(o.get("--master"))) {
      new YarnPipeline(home, out, System.err).run(stages, configs, o, true);
      return 0;
    }
    // A mistake in the config fails now, before any data is generated.
    StageRunner runner = pipeline.runner(stages, configs, "recsv run", true);
    if (demoInput != null && !exists(demoInput)) {
      long rows = new Generator(10_000, 2_000, 20, 42).write(new Configuration(), demoInput);
      out.printf("generated a demo dataset: %,d interactions of 10,000 users with 2,000 products -> %s%n",
          rows, demoInput);
    }
    pipeline.run(runner, configs.run(), progress());
    if (stages.contains(StageName.MERGE)) {
      summary(configs.of(StageName.MERGE));
    }
    return 0;
  }

  private int runStage(Options o) throws Exception {
    if (o.positional.size() != 1) {
      throw new UserError("stage: name one stage, e.g. recsv stage score (see recsv stage --help)");
    }
    LocalPipeline pipeline = new LocalPipeline(home);
    List<String> overrides = new ArrayList<>(pathOverrides(o));
    overrides.addAll(o.overrides);
    LocalPipeline.Configs configs = pipeline.configs(o.get("--env", defaultEnv(o)), o.configFiles, overrides);
    StageName stage = pipeline.stagesFrom(o.positional.get(0)).get(0);  // a stage the workflow runs
    if (YarnPipeline.isYarn(o.get("--master"))) {
      new YarnPipeline(home, out, System.err).run(List.of(stage), configs, o, false);
      return 0;
    }
    pipeline.run(pipeline.runner(List.of(stage), configs, "recsv stage " + stage, false), configs.run(),
        progress());
    return 0;
  }

  /** The environment a run reads by default: cluster.conf on YARN (as the Oozie actions), local.conf here. */
  private static String defaultEnv(Options o) {
    return YarnPipeline.isYarn(o.get("--master")) ? "cluster" : "local";
  }

  /**
   * --work, --run-id, --input, --output as config keys (flags first, so -D wins). Each may be a Hadoop URI
   * (hdfs://...) or a local path.
   */
  private static List<String> pathOverrides(Options o) {
    List<String> list = new ArrayList<>();
    list.add("run.root=" + UserPaths.absolute(o.get("--work", "recsv-work")));
    if (o.get("--run-id") != null) {
      list.add("run.id=" + o.get("--run-id"));
    }
    if (o.get("--input") != null) {
      list.add("prepare.input=" + UserPaths.absolute(o.get("--input")));
    }
    if (o.get("--output") != null) {
      list.add("merge.output=" + UserPaths.absolute(o.get("--output")));
      list.add("merge.output-root=" + UserPaths.parent(o.get("--output")));
    }
    if (o.get("--master") != null) {
      list.add("spark.master=" + o.get("--master"));
    }
    for (String conf : o.sparkConfs) {
      list.add("spark.conf." + conf);  // spark.conf.<key>: Spark's own properties, passed through
    }
    return list;
  }

  private static boolean exists(String path) throws java.io.IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    return p.getFileSystem(new Configuration()).exists(p);
  }

  private int generate(Options o) throws Exception {
    if (!o.overrides.isEmpty() || !o.configFiles.isEmpty() || !o.positional.isEmpty()) {
      throw new UserError("generate reads no configuration and no other arguments; it takes only --users,"
          + " --products, --per-user, --output and --seed");
    }
    String output = o.get("--output");
    if (output == null) {
      throw new UserError("generate: --output is required");
    }
    Generator generator = new Generator(o.requiredInt("generate", "--users"), o.requiredInt("generate", "--products"),
        o.requiredInt("generate", "--per-user"), o.intValue("generate", "--seed", 42));
    long rows = generator.write(new Configuration(), output);
    out.printf("wrote %,d interactions to %s%n", rows, output);
    return 0;
  }

  private StageRunner.Listener progress() {
    return new StageRunner.Listener() {
      @Override
      public void starting(StageName stage) {
        if (!quiet) {
          out.printf("[%s] running...%n", stage);
        }
      }

      @Override
      public void finished(StageName stage, String summary, double seconds) {
        if (!quiet) {
          out.printf("[%s] done in %.1f s: %s%n", stage, seconds, summary);
        }
      }
    };
  }

  private void summary(Config config) throws Exception {
    org.apache.hadoop.fs.Path csv = new org.apache.hadoop.fs.Path(config.getString("merge.output"));
    FileSystem fs = csv.getFileSystem(new Configuration());
    out.println();
    out.println("CSV:      " + csv);
    out.println("manifest: " + CsvManifest.pathFor(csv));
    out.println("report:   " + RunReport.htmlFor(csv) + "  (a page to open in a browser; .json beside it)");
    for (String line : RunReport.read(fs, csv).summary()) {
      out.println(line);
    }
  }


}
