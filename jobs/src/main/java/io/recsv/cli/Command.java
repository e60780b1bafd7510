package io.recsv.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code recsv} command as its help shows it: what it does, its options, the positional parameter it takes (if
 * any) and notes. {@link Options} parses a command line against it with picocli, which also writes the help.
 */
record Command(String name, String summary, List<String> description, List<Opt> options, String positional,
    boolean config, List<String> notes) {

  /** {@code --name LABEL} (a value), or a flag when the label is null. */
  record Opt(String name, String label, String help) {}

  /** Where the stages run: this machine's Spark, or each a YARN application (--master yarn). */
  static final List<Opt> MASTER = List.of(
      new Opt("--master", "URL", "Spark's master, as spark-submit takes it (spark.master; local.conf: local[*]);"
          + " yarn: each stage a YARN application in cluster deploy mode, as the Oozie workflow submits it (needs"
          + " HADOOP_CONF_DIR; paths on the cluster's file system; the cluster's spark-submit if SPARK_HOME is set)"),
      new Opt("--queue", "NAME", "with --master yarn: the YARN queue (default: the workflow's queueName)"),
      new Opt("--java-home", "DIR", "with --master yarn: Java 17 on the cluster's nodes (default: this Java's home)"));

  static final List<Opt> PATHS = List.of(
      new Opt("--work", "DIR", "where the runs' intermediates go (run.root), default ./recsv-work"),
      new Opt("--run-id", "ID", "the run's id (run.id)"),
      new Opt("--env", "NAME", "config/env/NAME.conf, default local (cluster with --master yarn)"));

  static final Command RUN = new Command("run", "run the whole pipeline (with no options: on a generated demo dataset)",
      List.of("Runs every stage in the order workflows/recommendations/workflow.xml defines. With no --input:",
          "generates a demo dataset (10,000 users x 2,000 products) and runs every stage on it."),
      join(List.of(
          new Opt("--input", "PATH", "interactions (CSV user_id,product_id,weight with header; see prepare.* keys)"),
          new Opt("--output", "FILE", "the CSV to publish (must not exist unless -D merge.overwrite=true)"),
          new Opt("--from", "STAGE", "rerun from STAGE on, reusing the earlier outputs of this --work and --run-id")),
          join(MASTER, PATHS)),
      null, true, List.of("--run-id defaults to 'manual' ('demo' for the demo)."));

  static final Command STAGE = new Command("stage", "run one stage alone: recsv stage STAGE [options]",
      List.of("Runs one stage (prepare, train, score, evaluate, export or merge) alone, on the outputs of the earlier",
          "stages of the same --work and --run-id: for debugging a stage on a laptop."),
      join(List.of(
          new Opt("--input", "PATH", "prepare's input (prepare.input)"),
          new Opt("--output", "FILE", "merge's CSV (merge.output)")),
          join(MASTER, PATHS)),
      "STAGE", true, List.of());

  static final Command SHOW = new Command("show",
      "the recommendations of some users, from the published CSV or a run's score output",
      List.of("Prints rows in the CSV's order, with the scores as the CSV prints them. With --csv: read from the",
          "file's start until the users are found (each user's rows are together); without it: the run's score",
          "output (--work; --run-id, default the only run there), which also has the raw ALS scores."),
      join(List.of(
          new Opt("--user", "IDS", "these users (original ids, comma-separated)"),
          new Opt("--first", "N", "else the first N users (default 3): of the file with --csv, of the smallest ids"
              + " otherwise"),
          new Opt("--csv", "FILE", "read the published CSV, from its start until the users are found; without it,"
              + " the run's score output (which also has the raw ALS scores)")),
          PATHS),
      null, true, List.of());

  static final Command REPORT = new Command("report",
      "print a run's report (written beside the CSV as .report.html and .report.json), or redo it",
      List.of("Prints the summary of the report beside the published CSV (FILE.report.json; FILE.report.html is the",
          "page with the charts); without --csv, of the run's (--work; --run-id, default the only run there)."),
      join(List.of(
          new Opt("--csv", "FILE", "the published CSV"),
          new Opt("--regenerate", null, "write both again from the run's outputs (--work, --run-id, the run's"
              + " config), e.g. after an older recsv made the CSV or the report could not be written")),
          PATHS),
      null, true, List.of());

  static final Command TUNE = new Command("tune",
      "search the ALS settings on a holdout of a run's interactions; writes the best as a config file",
      List.of("Trains ALS on one holdout of the run's prepared interactions (evaluate.* says how it is split) for each",
          "trial: the settings as they are, then a seeded random choice of train.rank (8 16 32 64), train.reg-param",
          "(0.01 0.03 0.1 0.3), train.alpha (1 3 10 30) and train.max-iter (5 10 15); measures each as the evaluate",
          "stage does (the popularity baseline once), prints them best first, and writes the best as a config file."),
      join(List.of(
          new Opt("--input", "PATH", "prepare this input first, into --work and --run-id (default: tune)"),
          new Opt("--trials", "N", "at most N trials (default 8)"),
          new Opt("--minutes", "M", "no trial started after M minutes (default 60)"),
          new Opt("--seed", "S", "the search's seed (default 42): the same seed, data and settings give the same"
              + " trials"),
          new Opt("--metric", "M", "what 'best' means: ndcg, precision, recall, map or hit-rate at 10 or score.k"
              + " (default ndcg@k)"),
          new Opt("--output", "FILE", "the best settings (default ./recsv-tuned.conf), for recsv run --config FILE")),
          PATHS),
      null, true, List.of());

  static final Command GENERATE = new Command("generate", "write synthetic interactions with a planted structure",
      List.of("Writes user_id,product_id,weight (with a header) for N users, each with K distinct products out of M;",
          "64-bit ids, a planted taste structure, deterministic for a given seed."),
      List.of(
          new Opt("--users", "N", "users (required)"),
          new Opt("--products", "M", "products (required)"),
          new Opt("--per-user", "K", "products per user (required)"),
          new Opt("--output", "PATH", "the CSV to write (required; must not exist)"),
          new Opt("--seed", "S", "the seed (default 42)")),
      null, false, List.of());

  static final List<Command> ALL = List.of(RUN, STAGE, SHOW, REPORT, TUNE, GENERATE);

  private static List<Opt> join(List<Opt> a, List<Opt> b) {
    List<Opt> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
