package io.recsv.evaluate;

import static org.apache.spark.sql.functions.col;

import io.recsv.als.Recommender;
import io.recsv.lineage.RunLayout;
import io.recsv.lineage.TopLists;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The baseline a model must beat: for every user, the k products most interacted with in training (ties to the
 * lower index) that the user has not interacted with. The ranking of the catalogue (one int per product) is
 * broadcast; each user walks it, skipping what it has seen.
 */
final class Popularity {

  private static final StructType LISTS = new StructType()
      .add(RunLayout.USER_INDEX, DataTypes.IntegerType, false)
      .add(TopLists.PRODUCTS, DataTypes.createArrayType(DataTypes.IntegerType, false), false);

  private Popularity() {}

  /**
   * (user_index, products) for every user of {@code users} (user_index, {@link Recommender#SEEN}: its sorted seen
   * products), best first; popularity counted in {@code train}'s pairs.
   */
  static Dataset<Row> lists(SparkSession spark, Dataset<Row> train, Dataset<Row> users, int k) {
    int[] ranking = train.groupBy(RunLayout.PRODUCT_INDEX).count()
        .orderBy(col("count").desc(), col(RunLayout.PRODUCT_INDEX)).select(RunLayout.PRODUCT_INDEX)
        .collectAsList().stream().mapToInt(r -> r.getInt(0)).toArray();
    Broadcast<int[]> popular = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(ranking);
    MapFunction<Row, Row> top = row -> RowFactory.create(row.getInt(0),
        list(row.isNullAt(1) ? List.of() : row.getList(1), popular.value(), k));
    return users.select(RunLayout.USER_INDEX, Recommender.SEEN).map(top, Encoders.row(LISTS));
  }

  /** The first k products of {@code ranking} not in {@code seen} (sorted ascending), best first. */
  static int[] list(List<Integer> seen, int[] ranking, int k) {
    int[] sorted = seen.stream().mapToInt(Integer::intValue).toArray();
    int[] out = new int[Math.min(k, ranking.length)];
    int n = 0;
    for (int i = 0; i < ranking.length && n < out.length; i++) {
      if (Arrays.binarySearch(sorted, ranking[i]) < 0) {
        out[n++] = ranking[i];
      }
    }
    return Arrays.copyOf(out, n);
  }
}
