package io.recsv.report;

import io.recsv.common.RunLayout;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What prepare made of the input: how many users, products and (user, product) pairs, and how the interactions
 * spread over users and over products. Recorded in prepare's output; the run's report shows it.
 */
public record InputStats(long users, long products, long pairs, Histogram interactionsPerUser,
    Histogram interactionsPerProduct) {

  /** From prepare's interactions (user_index, product_index, weight): one pass per histogram, in Spark. */
  public static InputStats of(Dataset<Row> interactions, long users, long products, long pairs) {
    return new InputStats(users, products, pairs,
        Histogram.powersOfTwo(interactions.groupBy(RunLayout.USER_INDEX).count(), "count"),
        Histogram.powersOfTwo(interactions.groupBy(RunLayout.PRODUCT_INDEX).count(), "count"));
  }
}
