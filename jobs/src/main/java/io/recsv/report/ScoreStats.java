package io.recsv.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.recsv.lineage.RunLayout;
import io.recsv.lineage.TopLists;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * What score recommended: rows and users, the distribution of the published (normalized) and the raw scores,
 * how much of the catalogue is recommended and how often (the long tail, and its Gini coefficient), the most
 * recommended products, and how many recommendations are products the user already has. Recorded in score's
 * output, computed by Spark from the rows score wrote; a few thousand numbers reach the driver, whatever the size.
 */
public record ScoreStats(long rows, long users, long catalogue, long productsRecommended, Histogram scores,
    Histogram rawScores, Histogram timesRecommended, List<TailPoint> longTail, double gini,
    List<TopProduct> mostRecommended, Seen seen) {

  /**
   * A point of the long tail: the product at {@code share} of the catalogue, most recommended first, is
   * recommended {@code timesRecommended} times.
   */
  public record TailPoint(double share, long timesRecommended) {}

  /** A product recommended to {@code users} users ({@code share} of all users). */
  public record TopProduct(long productId, long users, double share) {}

  /**
   * Recommendations of products the user already interacted with: {@code excluded} when score.exclude-seen made
   * them impossible; otherwise their share among the rows of {@code sampledUsers} users (every user up to
   * {@link #SEEN_SAMPLE}, an even sample of users above).
   */
  public record Seen(boolean excluded, double share, long sampledUsers, long rowsChecked) {}

  static final int TAIL_POINTS = 100;
  static final int TOP_PRODUCTS = 10;
  static final long SEEN_SAMPLE = 10_000;

  /**
   * @param lists score's output ({@link TopLists#SCHEMA}: one row per user)
   * @param products prepare's product dictionary (product_id, product_index): the catalogue
   * @param seen prepare's interactions, or null when score excluded them
   */
  public static ScoreStats of(Dataset<Row> lists, Dataset<Row> products, Dataset<Row> seen) {
    Row counts = lists.agg(sum(size(col(TopLists.PRODUCTS)).cast("long")),
        sum(when(size(col(TopLists.PRODUCTS)).gt(0), 1L).otherwise(0L))).first();
    long rows = counts.isNullAt(0) ? 0 : counts.getLong(0);
    long users = counts.isNullAt(1) ? 0 : counts.getLong(1);
    Dataset<Row> top = TopLists.rows(lists);
    Map<String, Histogram> scores = Histogram.linear(top, RunLayout.SCORE, RunLayout.RAW_SCORE);
    long catalogue = products.count();
    Dataset<Row> perProduct = top.groupBy(RunLayout.PRODUCT_INDEX).count().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      SortedMap<Long, Long> times = Histogram.frequencies(perProduct, "count");
      long recommended = times.values().stream().mapToLong(Long::longValue).sum();
      return new ScoreStats(rows, users, catalogue, recommended, scores.get(RunLayout.SCORE),
          scores.get(RunLayout.RAW_SCORE), Histogram.powersOfTwo(times), longTail(times, catalogue),
          gini(times, catalogue), mostRecommended(perProduct, products, users), seen(top, seen, rows, users));
    } finally {
      perProduct.unpersist();
    }
  }

  /**
   * How often the product at each {@code 1 / TAIL_POINTS} of the catalogue, most recommended first, is
   * recommended (products never recommended count as 0), exactly, from how many products are recommended how
   * often.
   */
  static List<TailPoint> longTail(SortedMap<Long, Long> times, long catalogue) {
    List<TailPoint> points = new ArrayList<>();
    if (catalogue == 0) {
      return points;
    }
    List<Map.Entry<Long, Long>> descending = new ArrayList<>(times.entrySet());
    java.util.Collections.reverse(descending);
    int at = 0;
    long before = 0;  // products ranked above the current entry
    for (int p = 0; p <= TAIL_POINTS; p++) {
      long rank = Math.min(catalogue - 1, Math.round((double) p / TAIL_POINTS * (catalogue - 1)));
      while (at < descending.size() && before + descending.get(at).getValue() <= rank) {
        before += descending.get(at).getValue();
        at++;
      }
      points.add(new TailPoint((double) p / TAIL_POINTS, at < descending.size() ? descending.get(at).getKey() : 0));
    }
    return points;
  }

  /**
   * The Gini coefficient of how recommendations spread over the whole catalogue: 0 when every product is
   * recommended equally often, near 1 when a few products take them all.
   */
  public static double gini(SortedMap<Long, Long> times, long catalogue) {
    long recommended = times.values().stream().mapToLong(Long::longValue).sum();
    double total = 0;
    double weighted = 0;  // sum over products ranked ascending (from 1) of rank * times
    long rank = catalogue - recommended;  // the products never recommended come first, with 0
    for (Map.Entry<Long, Long> e : times.entrySet()) {
      long first = rank + 1;
      long last = rank + e.getValue();
      weighted += (double) e.getKey() * (first + last) / 2.0 * e.getValue();
      total += (double) e.getKey() * e.getValue();
      rank = last;
    }
    return total == 0 || catalogue == 0 ? 0 : 2 * weighted / (catalogue * total) - (catalogue + 1.0) / catalogue;
  }

  private static List<TopProduct> mostRecommended(Dataset<Row> perProduct, Dataset<Row> products, long users) {
    List<TopProduct> top = new ArrayList<>();
    for (Row r : perProduct.orderBy(col("count").desc(), col(RunLayout.PRODUCT_INDEX)).limit(TOP_PRODUCTS)
        .join(products, RunLayout.PRODUCT_INDEX).orderBy(col("count").desc(), col(RunLayout.PRODUCT_INDEX))
        .select(RunLayout.PRODUCT_ID, "count").collectAsList()) {
      top.add(new TopProduct(r.getLong(0), r.getLong(1), (double) r.getLong(1) / Math.max(users, 1)));
    }
    return top;
  }

  private static Seen seen(Dataset<Row> top, Dataset<Row> seen, long rows, long users) {
    if (seen == null) {
      return new Seen(true, 0, 0, 0);
    }
    long every = Math.max(1, users / SEEN_SAMPLE);  // dense user indices: every n-th is an even sample
    Dataset<Row> sample = top.select(RunLayout.USER_INDEX, RunLayout.PRODUCT_INDEX, RunLayout.RANK);
    long checked = rows;
    long sampledUsers = users;
    if (every > 1) {
      sample = sample.filter(col(RunLayout.USER_INDEX).mod(every).equalTo(0));
      Row r = sample.agg(count(lit(1)), sum(when(col(RunLayout.RANK).equalTo(1), 1L).otherwise(0L))).first();
      checked = r.getLong(0);
      sampledUsers = r.isNullAt(1) ? 0 : r.getLong(1);
    }
    Dataset<Row> pairs = seen.select(RunLayout.USER_INDEX, RunLayout.PRODUCT_INDEX);
    long alreadySeen = sample.join(pairs, sample.col(RunLayout.USER_INDEX).equalTo(pairs.col(RunLayout.USER_INDEX))
        .and(sample.col(RunLayout.PRODUCT_INDEX).equalTo(pairs.col(RunLayout.PRODUCT_INDEX))), "left_semi").count();
    return new Seen(false, checked == 0 ? 0 : (double) alreadySeen / checked, sampledUsers, checked);
  }
}
