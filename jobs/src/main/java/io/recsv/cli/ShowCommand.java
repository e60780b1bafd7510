package io.recsv.cli;

import io.recsv.workflow.StageName;
import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import io.recsv.lineage.RunLayout;
import io.recsv.lineage.TopLists;
import io.recsv.run.SparkSessions;
import io.recsv.config.UserError;
import io.recsv.config.UserPaths;
import io.recsv.export.ScoreFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code recsv show}: the recommendations of some users, without reading the whole CSV with another tool.
 * From the published CSV (read from its start, and only until the users asked for are found: each user's rows
 * are together), or from a run's score output (Parquet, read by Spark: only the rows of those users are kept),
 * which also has each recommendation's raw ALS score. Both print the rows the CSV has, in its order.
 */
@Command(name = "show", header = "the recommendations of some users, from the published CSV or a run's score output",
    description = "Prints rows in the CSV's order, with the scores as the CSV prints them. With --csv: read from the"
        + " file's start until the users are found (each user's rows are together); without it: the run's score"
        + " output (--work; --run-id, default the only run there), which also has the raw ALS scores.")
final class ShowCommand extends RecsvCommand {

  /** One recommendation, as the CSV prints it; {@code raw} is NaN where unknown (read from the CSV). */
  record Recommendation(long productId, String score, float raw) {}

  @Option(names = "--user", paramLabel = "IDS", description = "these users (original ids, comma-separated)")
  String users;

  @Option(names = "--first", paramLabel = "N", defaultValue = "3", converter = WholeNumber.class,
      description = "else the first N users (default ${DEFAULT-VALUE}): of the file with --csv, of the smallest ids"
          + " otherwise")
  int first;

  @Option(names = "--csv", paramLabel = "FILE", description = "read the published CSV, from its start until the users"
      + " are found; without it, the run's score output (which also has the raw ALS scores)")
  String csv;

  @Mixin
  RunOptions run;

  @Mixin
  ConfigOptions config;

  ShowCommand(PrintStream out, java.nio.file.Path home) {
    super(out, home);
  }

  /** From the CSV ({@code --csv}) or from the run's score output. */
  @Override
  public Integer call() throws Exception {
    List<Long> ids = new ArrayList<>();
    if (users != null) {
      for (String id : users.split(",")) {
        try {
          ids.add(Long.parseLong(id.trim()));
        } catch (NumberFormatException e) {
          throw new UserError("show: --user takes 64-bit ids, comma-separated, got '" + id + "'");
        }
      }
    }
    if (csv != null) {
      Path file = new Path(UserPaths.absolute(csv));
      print(fromCsv(new Configuration(), file, ids, first), ids, file.toString());
      return 0;
    }
    Config config = ExistingRun.config(home, run, this.config);
    RunLayout layout = RunLayout.of(config);
    // The outputs it reads are of one run and hold the files their records name.
    io.recsv.lineage.Lineage.readChained(SparkSessions.hadoopConf(config), layout, "show",
        List.of(StageName.PREPARE, StageName.SCORE));
    print(fromRun(SparkSessions.create(config, "recsv show"), layout, config.getInt("export.score-decimals"), ids,
        first), ids, "run " + layout.runId() + "'s score output " + layout.top());
    return 0;
  }

  /** Users by id ({@code ids} non-empty), or else the first {@code first} users of the file. */
  Map<Long, List<Recommendation>> fromCsv(Configuration conf, Path csv, List<Long> ids, int first)
      throws IOException {
    Map<Long, List<Recommendation>> found = new LinkedHashMap<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(csv.getFileSystem(conf).open(csv),
        StandardCharsets.UTF_8), 1 << 20)) {
      String header = in.readLine();
      if (!"user_id,product_id,score".equals(header)) {
        throw new UserError(csv + " is not a recsv CSV: its header is '" + header + "'");
      }
      long lineNumber = 1;
      Long current = null;
      for (String line; (line = in.readLine()) != null; ) {
        lineNumber++;
        String[] f = line.split(",", -1);
        if (f.length != 3) {
          throw new UserError(csv + " line " + lineNumber + ": not user_id,product_id,score: '" + line + "'");
        }
        long user = parseId(csv, lineNumber, f[0]);
        if (current == null || user != current) {
          if (doneWith(current, found, ids, first)) {
            break;
          }
          current = user;
        }
        if (ids.isEmpty() ? found.size() < first || found.containsKey(user) : ids.contains(user)) {
          found.computeIfAbsent(user, u -> new ArrayList<>())
              .add(new Recommendation(parseId(csv, lineNumber, f[1]), f[2], Float.NaN));
        }
      }
    }
    return found;
  }

  private static long parseId(Path csv, long line, String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new UserError(csv + " line " + line + ": '" + text + "' is not a 64-bit id");
    }
  }

  /** True once every user asked for has been read whole (the user just ended was the last one needed). */
  private static boolean doneWith(Long ended, Map<Long, List<Recommendation>> found, List<Long> ids, int first) {
    if (ended == null) {
      return false;
    }
    return ids.isEmpty() ? found.size() >= first : found.keySet().containsAll(ids);
  }

  /** The same from a run's score output, with the raw scores; the first users are those of the smallest ids. */
  Map<Long, List<Recommendation>> fromRun(SparkSession spark, RunLayout layout, int decimals, List<Long> ids,
      int first) {
    Dataset<Row> users = spark.read().parquet(layout.users().toString());
    Dataset<Row> chosen = ids.isEmpty()
        ? users.orderBy(RunLayout.USER_ID).limit(first)
        : users.filter(col(RunLayout.USER_ID).isin(ids.toArray()));
    Dataset<Row> lists = spark.read().parquet(layout.top().toString());
    Dataset<Row> rows = TopLists.rows(lists.join(chosen, lists.col(RunLayout.USER_INDEX).equalTo(
            chosen.col(RunLayout.USER_INDEX)), "left_semi"))
        .join(chosen, RunLayout.USER_INDEX)
        .join(spark.read().parquet(layout.products().toString()), RunLayout.PRODUCT_INDEX)
        .select(RunLayout.USER_ID, RunLayout.PRODUCT_ID, RunLayout.SCORE, RunLayout.RAW_SCORE);
    ScoreFormat format = new ScoreFormat(decimals);
    Map<Long, List<Row>> byUser = new java.util.TreeMap<>();
    for (Row r : rows.collectAsList()) {
      byUser.computeIfAbsent(r.getLong(0), u -> new ArrayList<>()).add(r);
    }
    Map<Long, List<Recommendation>> found = new LinkedHashMap<>();
    for (long id : ids.isEmpty() ? byUser.keySet() : ids) {
      List<Row> list = byUser.getOrDefault(id, List.of());
      // The CSV's order: printed score descending, then product id ascending (export's rule).
      list = new ArrayList<>(list);
      list.sort(Comparator.<Row>comparingLong(r -> -format.scaled(r.getFloat(2))).thenComparingLong(r -> r.getLong(1)));
      List<Recommendation> recs = new ArrayList<>();
      for (Row r : list) {
        recs.add(new Recommendation(r.getLong(1), format.format(r.getFloat(2)), r.getFloat(3)));
      }
      if (!recs.isEmpty()) {
        found.put(id, recs);
      }
    }
    return found;
  }

  /** Prints each user's recommendations as a table; users asked for but not found are named. */
  void print(Map<Long, List<Recommendation>> found, List<Long> ids, String source) {
    for (Map.Entry<Long, List<Recommendation>> e : found.entrySet()) {
      List<Recommendation> recs = e.getValue();
      boolean raw = !recs.isEmpty() && !Float.isNaN(recs.get(0).raw());
      out.printf("user %d: %d recommendations (%s)%n", e.getKey(), recs.size(), source);
      out.println(raw ? "  rank           product_id     score   raw_score" : "  rank           product_id     score");
      for (int i = 0; i < recs.size(); i++) {
        Recommendation r = recs.get(i);
        out.print(String.format("  %4d %20d %9s", i + 1, r.productId(), r.score()));
        out.println(raw ? String.format(" %11.6f", r.raw()) : "");
      }
      out.println();
    }
    List<Long> missing = ids.stream().filter(id -> !found.containsKey(id)).toList();
    if (!missing.isEmpty()) {
      throw new UserError("no recommendations for user" + (missing.size() == 1 ? " " : "s ") + missing
          + " in " + source);
    }
  }
}
