package io.recsv.cli;

import com.typesafe.config.Config;
import io.recsv.common.IoErrors;
import io.recsv.common.StageRunner;
import io.recsv.common.UserError;
import io.recsv.common.UserPaths;
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

  static final String USAGE = String.join("\n",
      "recsv - weekly ALS recommendations, published as one verified CSV",
      "",
      "usage: recsv COMMAND [options]        (recsv COMMAND --help for a command's options; recsv --version)",
      "",
      "commands:",
      "  run        run the whole pipeline (with no options: on a generated demo dataset)",
      "  stage      run one stage alone: recsv stage STAGE [options]",
      "  show       the recommendations of some users, from the published CSV or a run's score output",
      "  report     print a run's report (written beside the CSV as .report.html and .report.json), or redo it",
      "  tune       search the ALS settings on a holdout of a run's interactions; writes the best as a config file",
      "  generate   write synthetic interactions with a planted structure",
      "  bench      benchmarks that print figures: recsv bench pipeline | merge | score (recsv bench --help)",
      "  oozie      validate, deploy, submit and rerun the Oozie application",
      "  airflow    airflow dag: the same pipeline as an Airflow DAG, generated from the Oozie application",
      "",
      "run, stage and the benchmarks take -D key=value (any config key, see reference.conf; Hadoop's own keys,",
      "fs.* dfs.* hadoop.* yarn.* ..., go to the Hadoop configuration);",
      "every command takes --verbose (stack traces), --quiet (no progress; errors and the result only) and",
      "--log-level error|warn|info|debug (recsv's own log lines; Spark's: -D spark.log-level=...)");

  private static final String RUN_USAGE = String.join("\n",
      "usage: recsv run [--input PATH --output FILE.csv] [--work DIR] [--run-id ID] [--from STAGE]",
      "                 [--env local] [--config FILE]... [-D key=value]...",
      "",
      "  with no --input: generates a demo dataset (10,000 users x 2,000 products) and runs every stage on it",
      "  --input PATH     interactions (CSV user_id,product_id,weight with header, or see prepare.* keys)",
      "  --output FILE    the CSV to publish (must not exist unless -D merge.overwrite=true)",
      "  --work DIR       where intermediates go (run.root), default ./recsv-work",
      "  --run-id ID      the run's id (run.id), default 'manual' ('demo' for the demo)",
      "  --from STAGE     rerun from STAGE on, reusing the earlier stages' outputs of the same --work and --run-id",
      "  --env NAME       config/env/NAME.conf, default local",
      "  --master URL     Spark's master, as spark-submit takes it (spark.master; local.conf: local[*])",
      "  --conf k=v       a Spark property, as spark-submit takes it (spark.conf.\"k\"); may repeat",
      "  stages run in the order workflows/recommendations/workflow.xml defines");

  private static final String STAGE_USAGE = String.join("\n",
      "usage: recsv stage STAGE [--input PATH] [--output FILE.csv] [--work DIR] [--run-id ID] [--env local]",
      "                   [--config FILE]... [-D key=value]...",
      "",
      "  runs one stage (prepare, train, score, export or merge) alone, on the outputs of the earlier stages",
      "  of the same --work and --run-id: for debugging a stage on a laptop");

  private static final String SHOW_USAGE = String.join("\n",
      "usage: recsv show [--user ID[,ID...]] [--first N] [--csv FILE | --work DIR [--run-id ID]] [-D key=value]...",
      "",
      "  --user IDS   these users (original ids, comma-separated)",
      "  --first N    else the first N users (default 3): of the file with --csv, of the smallest ids otherwise",
      "  --csv FILE   read the published CSV, from its start until the users are found (each user's rows are",
      "               together); without it, the run's score output (--work, default ./recsv-work; --run-id, default",
      "               the only run there), which also has the raw ALS scores",
      "  rows are printed in the CSV's order, with the scores as the CSV prints them");

  private static final String REPORT_USAGE = String.join("\n",
      "usage: recsv report [--csv FILE | --work DIR [--run-id ID]] [--regenerate] [-D key=value]...",
      "",
      "  prints the summary of the report beside the published CSV (FILE.report.json; FILE.report.html is the",
      "  page with the charts). --regenerate writes both again from the run's outputs (--work, --run-id, the same",
      "  config as the run), e.g. after an older recsv made the CSV or the report could not be written");

  private static final String TUNE_USAGE = String.join("\n",
      "usage: recsv tune [--input PATH | --work DIR [--run-id ID]] [--trials N] [--minutes M] [--seed S]",
      "                  [--metric ndcg@K] [--output FILE.conf] [--config FILE]... [-D key=value]...",
      "",
      "  trains ALS on one holdout of the run's prepared interactions (evaluate.* says how it is split) for each",
      "  trial: the settings as they are, then a seeded random choice of train.rank (8 16 32 64), train.reg-param",
      "  (0.01 0.03 0.1 0.3), train.alpha (1 3 10 30) and train.max-iter (5 10 15); measures each as the evaluate",
      "  stage does (the popularity baseline once), prints them best first, and writes the best as a config file",
      "  --input PATH   prepare this input first, into --work and --run-id (default: tune)",
      "  --trials N     at most N trials (default 8); --minutes M: none started after M minutes (default 60)",
      "  --seed S       the search's seed (default 42): the same seed, data and settings give the same trials",
      "  --metric M     what 'best' means: ndcg, precision, recall, map or hit-rate at 10 or score.k (default ndcg@k)",
      "  --output FILE  the best settings (default ./recsv-tuned.conf), for recsv run --config FILE");

  private static final String GENERATE_USAGE = String.join("\n",
      "usage: recsv generate --users N --products M --per-user K --output PATH [--seed S]",
      "",
      "  writes user_id,product_id,weight (with a header) for N users, each with K distinct products out of M;",
      "  64-bit ids, a planted taste structure, deterministic for a given seed (default 42)");

  private static final Set<String> RUN_OPTIONS = Set.of("--input", "--output", "--work", "--run-id", "--from", "--env",
      "--master");

  private static final Set<String> SHOW_OPTIONS = Set.of("--user", "--first", "--csv", "--work", "--run-id", "--env");
  private static final Set<String> TUNE_OPTIONS = Set.of("--input", "--work", "--run-id", "--env", "--trials",
      "--minutes", "--seed", "--metric", "--output");
  private static final Set<String> REPORT_OPTIONS = Set.of("--csv", "--work", "--run-id", "--env");

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
    boolean help = rest.contains("--help") || rest.contains("-h");
    switch (command) {
      case "run" -> {
        if (help) {
          out.println(RUN_USAGE);
          return 0;
        }
        return runPipeline(Options.parse("run", rest, RUN_OPTIONS, Set.of()));
      }
      case "stage" -> {
        if (help) {
          out.println(STAGE_USAGE);
          return 0;
        }
        return runStage(Options.parse("stage", rest, RUN_OPTIONS, Set.of()));
      }
      case "show" -> {
        if (help) {
          out.println(SHOW_USAGE);
          return 0;
        }
        return new Show(out).run(Options.parse("show", rest, SHOW_OPTIONS, Set.of()), home);
      }
      case "report" -> {
        if (help) {
          out.println(REPORT_USAGE);
          return 0;
        }
        return new ReportCommand(out).run(Options.parse("report", rest, REPORT_OPTIONS, Set.of("--regenerate")), home);
      }
      case "tune" -> {
        if (help) {
          out.println(TUNE_USAGE);
          return 0;
        }
        return new TuneCommand(out).run(Options.parse("tune", rest, TUNE_OPTIONS, Set.of()), home);
      }
      case "generate" -> {
        if (help) {
          out.println(GENERATE_USAGE);
          return 0;
        }
        return generate(Options.parse("generate", rest,
            Set.of("--users", "--products", "--per-user", "--output", "--seed"), Set.of()));
      }
      // The benchmarks are a module of their own (not in the jobs jar); the launcher runs them.
      case "bench" -> throw new UserError("recsv bench runs from the launcher: ./recsv bench --help");
      default -> throw new UserError("unknown command '" + command + "'; see recsv --help");
    }
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
    LocalPipeline.Configs configs = pipeline.configs(o.get("--env", "local"), o.configFiles, overrides);
    List<String> stages = o.get("--from") == null ? pipeline.stageNames() : pipeline.stagesFrom(o.get("--from"));
    // A mistake in the config fails now, before any data is generated.
    StageRunner runner = pipeline.runner(stages, configs, "recsv run", true);
    if (demoInput != null && !exists(demoInput)) {
      long rows = new Generator(10_000, 2_000, 20, 42).write(new Configuration(), demoInput);
      out.printf("generated a demo dataset: %,d interactions of 10,000 users with 2,000 products -> %s%n",
          rows, demoInput);
    }
    pipeline.run(runner, configs.run(), progress());
    if (stages.contains("merge")) {
      summary(configs.of("merge"));
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
    LocalPipeline.Configs configs = pipeline.configs(o.get("--env", "local"), o.configFiles, overrides);
    String stage = o.positional.get(0);
    pipeline.stagesFrom(stage);  // validates the name against the workflow
    pipeline.run(pipeline.runner(List.of(stage), configs, "recsv stage " + stage, false), configs.run(),
        progress());
    return 0;
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
      public void starting(String stage) {
        if (!quiet) {
          out.printf("[%s] running...%n", stage);
        }
      }

      @Override
      public void finished(String stage, String summary, double seconds) {
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
