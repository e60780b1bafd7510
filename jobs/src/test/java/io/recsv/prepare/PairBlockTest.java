package io.recsv.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.junit.jupiter.api.Test;

class PairBlockTest {

  /** Rows (user, product, weight) as the shuffle hands them over: sorted by (user, product). */
  private static PairBlock block(long[][] pairs) {
    List<InternalRow> rows = new ArrayList<>();
    for (long[] p : pairs) {
      rows.add(new GenericInternalRow(new Object[] {p[0], p[1], (double) p[2]}));
    }
    return PairBlock.combine(rows.iterator(), PrepareJob.Aggregate.SUM, false);
  }

  private static List<Row> all(Iterator<Row> rows) {
    List<Row> out = new ArrayList<>();
    rows.forEachRemaining(out::add);
    return out;
  }

  @Test
  void usersAreNumberedFromTheBlocksFirstIndexAndProductsByRankAmongAllIds() {
    PairBlock b = block(new long[][] {{-3, 70, 1}, {-3, 70, 2}, {-3, 90, 1}, {8, 70, 4}});
    assertEquals(new PairBlock.Summary(2, 3, new TreeMap<>(Map.of(1L, 1L, 2L, 1L))), b.summary(),
        "2 users, 3 pairs: one user with 1 pair, one with 2");
    List<Row> users = all(b.userRows(10, 12));
    assertEquals(List.of(RowFactory.create(-3L, 10), RowFactory.create(8L, 11)), users);
    List<Row> pairs = all(b.interactionRows(10, 12, new long[] {5, 70, 90}));
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
