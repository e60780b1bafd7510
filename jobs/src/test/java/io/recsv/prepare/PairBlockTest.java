package io.recsv.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.Test;

class PairBlockTest {

  /** Rows (user, product, weight) in any order, as one map task's chunk. */
  private static PairBlock block(long[][] pairs) {
    int n = pairs.length;
    long[] users = new long[n];
    long[] products = new long[n];
    double[] weights = new double[n];
    for (int i = 0; i < n; i++) {
      users[i] = pairs[i][0];
      products[i] = pairs[i][1];
      weights[i] = pairs[i][2];
    }
    return PairBlock.of(List.of(SortedPairs.of(users, products, weights, null, 0, n,
        PrepareJob.Aggregate.SUM)), PrepareJob.Aggregate.SUM);
  }

  /** The rows as text, each copied as the writer would take it. */
  private static List<String> all(Iterator<InternalRow> rows) {
    List<String> out = new ArrayList<>();
    rows.forEachRemaining(r -> out.add(r.copy().toString()));
    return out;
  }

  @Test
  void usersAreNumberedFromTheBlocksFirstIndexAndProductsByRankAmongAllIds() {
    PairBlock b = block(new long[][] {{8, 70, 4}, {-3, 90, 1}, {-3, 70, 1}, {-3, 70, 2}});
    assertEquals(new PairBlock.Summary(2, 3, new TreeMap<>(Map.of(1L, 1L, 2L, 1L))), b.summary(),
        "2 users, 3 pairs: one user with 1 pair, one with 2");
    assertEquals(List.of("[-3,10]", "[8,11]"), all(b.userRows(10, 12)));
    List<String> pairs = all(b.interactionRows(10, 12, new long[] {5, 70, 90}));
    assertEquals("[[10,1,3.0], [10,2,1.0], [11,1,4.0]]", pairs.toString());
  }

  @Test
  void aBlockThatIsNotWhatWasCountedIsRefusedNotNumbered() {
    PairBlock b = block(new long[][] {{1, 70, 1}, {2, 90, 1}});
    IllegalStateException users = assertThrows(IllegalStateException.class, () -> b.userRows(0, 3));
    assertTrue(users.getMessage().contains("2 users in a partition that had 3 when they were counted"),
        users.getMessage());
    assertThrows(IllegalStateException.class, () -> b.interactionRows(0, 1, new long[] {70, 90}));
    IllegalStateException product = assertThrows(IllegalStateException.class,
        () -> all(b.interactionRows(0, 2, new long[] {70})));
    assertTrue(product.getMessage().contains("product_id 90 is not among the products counted"),
        product.getMessage());
  }
}
