package io.recsv.cli;

import io.recsv.workflow.StageName;
import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import io.recsv.common.RunLayout;
import io.recsv.common.SparkSessions;
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

/**
 * {@code recsv show}: the recommendations of some users, without reading the whole CSV with another tool.
 * From the published CSV (read from its start, and only until the users asked for are found: each user's rows
 * are together), or from a run's score output (Parquet, read by Spark: only the rows of those users are kept),
 * which also has each recommendation's raw ALS score. Both print the rows the CSV has, in its order.
 */
final class Show {

  /** One recommendation, as the CSV prints it; {@code raw} is NaN where unknown (read from the CSV). */
  record Recommendation(long productId, String score, float raw) {}

  private final PrintStream out;

  Show(PrintStream out) {
    this.out = out;
  }

  /** The command: from the CSV ({@code --csv}) or from the run's score output. */
  int run(Options o, java.nio.file.Path home) throws Exception {
    o.refusePositional("show");
    List<Long> ids = new ArrayList<>();
    if (o.get("--user") != null) {
      for (String id : o.get("--user").split(",")) {
        try {
          ids.add(Long.parseLong(id.trim()));
        } catch (NumberFormatException e) {
          throw new UserError("show: --user takes 64-bit ids, comma-separated, got '" + id + "'");
        }
      }
    }
    int first = o.intValue("show", "--first", 3);
    if (o.get("--csv") != null) {
      Path csv = new Path(UserPaths.absolute(o.get("--csv")));
      print(fromCsv(new Configuration(), csv, ids, first), ids, csv.toString());
      return 0;
    }
    Config config = ExistingRun.config(home, o);
    RunLayout layout = RunLayout.of(config);
    // The outputs it reads are of one run and hold the files their records name.
    io.recsv.common.Lineage.readChained(new Configuration(), layout, "show",
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
    Dataset<Row> rows = spark.read().parquet(layout.top().toString())
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
