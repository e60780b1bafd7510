package io.recsv.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SortedPairsTest {

  /** Rows of a few users and products, many repeated, in the order given by {@code order}. */
  private static long[][] rows(Random random, int n, int users, int products, String order) {
    long[][] rows = new long[n][];
    for (int i = 0; i < n; i++) {
      long user = switch (order) {
        case "sorted" -> (long) i * users / n;
        case "reversed" -> (long) (n - i) * users / n;
        case "one user" -> Long.MIN_VALUE;
        default -> random.nextInt(users) - users / 2L;
      };
      rows[i] = new long[] {user, random.nextInt(products) * 1_000_003L, random.nextInt(5) + 1, random.nextInt(1000)};
    }
    return rows;
  }

  /** What combining must give: per (user, product), the weight and the latest time. */
  private static Map<List<Long>, double[]> expected(long[][] rows, PrepareJob.Aggregate aggregate) {
    Map<List<Long>, double[]> pairs = new TreeMap<>((a, b) -> PairSort.compare(a.get(0), a.get(1), b.get(0),
        b.get(1)));
    for (long[] r : rows) {
      double w = aggregate == PrepareJob.Aggregate.COUNT ? 1 : r[2];
      pairs.merge(List.of(r[0], r[1]), new double[] {w, r[3]}, (a, b) -> new double[] {
          aggregate == PrepareJob.Aggregate.MAX ? Math.max(a[0], b[0]) : a[0] + b[0], Math.max(a[1], b[1])});
    }
    return pairs;
  }

  /** The rows as {@code chunks} map tasks would send them. */
  private static List<SortedPairs> chunked(long[][] rows, int chunks, PrepareJob.Aggregate aggregate) {
    List<SortedPairs> parts = new ArrayList<>();
    for (int c = 0; c < chunks; c++) {
      int from = rows.length * c / chunks;
      int to = rows.length * (c + 1) / chunks;
      int n = to - from;
      long[] users = new long[n];
      long[] products = new long[n];
      double[] weights = new double[n];
      long[] times = new long[n];
      for (int i = 0; i < n; i++) {
        users[i] = rows[from + i][0];
        products[i] = rows[from + i][1];
        weights[i] = aggregate == PrepareJob.Aggregate.COUNT ? 1 : rows[from + i][2];
        times[i] = rows[from + i][3];
      }
      parts.add(SortedPairs.of(users, products, weights, times, 0, n, aggregate));
    }
    return parts;
  }

  @Test
  void chunksSortedCombinedAndMergedIntoABlockGiveEachPairOnceInOrder() {
    Random random = new Random(3);
    for (String order : List.of("random", "sorted", "reversed", "one user")) {
      for (PrepareJob.Aggregate aggregate : PrepareJob.Aggregate.values()) {
        for (int chunks : new int[] {1, 2, 7}) {
          long[][] rows = rows(random, 5000, 40, 60, order);
          String what = order + ", " + aggregate + ", " + chunks + " chunks";
          List<SortedPairs> parts = chunked(rows, chunks, aggregate);
          for (SortedPairs part : parts) {
            for (int i = 1; i < part.size(); i++) {
              assertTrue(PairSort.compare(part.users[i - 1], part.products[i - 1], part.users[i], part.products[i])
                  < 0, what + ": a chunk is sorted, each pair once");
            }
          }
          Map<List<Long>, double[]> expected = expected(rows, aggregate);
          // The block numbers its users and products by rank: rank them as expected, and read the block back.
          long[] users = expected.keySet().stream().mapToLong(k -> k.get(0)).distinct().sorted().toArray();
          long[] products = expected.keySet().stream().mapToLong(k -> k.get(1)).distinct().sorted().toArray();
          List<String> want = new ArrayList<>();
          expected.forEach((pair, value) -> want.add("[" + Arrays.binarySearch(users, pair.get(0)) + ","
              + Arrays.binarySearch(products, pair.get(1)) + "," + (float) value[0] + "," + (long) value[1] + "]"));
          List<String> got = new ArrayList<>();
          PairBlock.of(parts, aggregate).interactionRows(0, users.length, products)
              .forEachRemaining(r -> got.add(r.copy().toString()));
          assertEquals(want, got, what);
        }
      }
    }
  }

  @Test
  void theSortHandlesEveryLengthAroundItsInsertionCutOff() {
    Random random = new Random(11);
    for (int n = 0; n < 80; n++) {
      long[][] rows = rows(random, n, 3, 4, "random");
      assertEquals(expected(rows, PrepareJob.Aggregate.SUM).size(), chunked(rows, 1, PrepareJob.Aggregate.SUM)
          .get(0).size(), "n = " + n);
    }
  }
}
