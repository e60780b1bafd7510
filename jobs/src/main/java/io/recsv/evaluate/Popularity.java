package io.recsv.evaluate;

import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * The baseline a model must beat: for every user, the k products most interacted with in training (ties to the
 * lower index) that the user has not interacted with. The ranking of the catalogue (one int per product) is
 * counted in one pass over the split's rows and broadcast; each user walks it, skipping what it has seen.
 */
final class Popularity {

  private Popularity() {}

  /**
   * The products of {@code trained} (each user's training products, distinct: one array per row) ranked by how many
   * users trained with them, most first, ties to the lower index; a product nobody trained with is not ranked.
   * Each task counts into an array over the catalogue; the arrays are summed.
   */
  static int[] ranking(JavaRDD<InternalRow> trained, int catalogue) {
    // A product is counted once per user, so its count is at most the users', an int.
    int[] counts = trained.mapPartitions(rows -> {
      int[] c = new int[catalogue];
      while (rows.hasNext()) {
        ArrayData products = rows.next().getArray(0);
        for (int i = 0; i < products.numElements(); i++) {
          c[products.getInt(i)]++;
        }
      }
      return java.util.List.of(c).iterator();
    }).treeReduce((a, b) -> {
      for (int p = 0; p < a.length; p++) {
        a[p] += b[p];
      }
      return a;
    });
    // Most first, then the lower index: (the largest int less the count, the index) as one long, sorted.
    long[] keys = new long[catalogue];
    int n = 0;
    for (int p = 0; p < catalogue; p++) {
      if (counts[p] > 0) {
        keys[n++] = (long) (Integer.MAX_VALUE - counts[p]) << 32 | p;
      }
    }
    long[] ranked = Arrays.copyOf(keys, n);
    Arrays.sort(ranked);
    return Arrays.stream(ranked).mapToInt(key -> (int) key).toArray();
  }

  /** The first k products of {@code ranking} not in {@code seen} (sorted ascending), best first. */
  static int[] list(int[] seen, int[] ranking, int k) {
    int[] out = new int[Math.min(k, ranking.length)];
    int n = 0;
    for (int i = 0; i < ranking.length && n < out.length; i++) {
      if (Arrays.binarySearch(seen, ranking[i]) < 0) {
        out[n++] = ranking[i];
      }
    }
    return Arrays.copyOf(out, n);
  }
}
