package io.recsv.als;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import scala.Tuple2;

/**
 * Ratings bound for one user block, as three primitive arrays: what the interactions are shuffled as, a few large
 * records per task rather than one row per rating (30 million rows sorted and serialized one by one cost more
 * than the ten iterations of training on one machine). MLlib's ALS shuffles its ratings the same way.
 */
final class RatingChunk implements Serializable {

  private static final long serialVersionUID = 1L;

  int[] users = new int[1024];
  int[] products = new int[1024];
  float[] ratings = new float[1024];
  int size;

  void add(int user, int product, float rating) {
    if (size == users.length) {
      users = Arrays.copyOf(users, size * 2);
      products = Arrays.copyOf(products, size * 2);
      ratings = Arrays.copyOf(ratings, size * 2);
    }
    users[size] = user;
    products[size] = product;
    ratings[size] = rating;
    size++;
  }

  /** The block of a user: dense indices, so a modulo spreads them evenly. */
  static int blockOf(int user, int blocks) {
    return Math.floorMod(user, blocks);
  }

  /**
   * A task's rows (user, product, rating), keyed by their block, and cut into chunks of at most 4M ratings (48 MiB), so
   * that no record outgrows what a shuffle handles comfortably.
   */
  static Iterator<Tuple2<Long, RatingChunk>> split(Iterator<InternalRow> rows, int blocks) {
    List<Tuple2<Long, RatingChunk>> out = new ArrayList<>();
    RatingChunk[] open = new RatingChunk[blocks];
    while (rows.hasNext()) {
      InternalRow r = rows.next();
      int user = r.getInt(0);
      int b = blockOf(user, blocks);
      if (open[b] == null) {
        open[b] = new RatingChunk();
      }
      open[b].add(user, r.getInt(1), r.getFloat(2));
      if (open[b].size == 4 << 20) {
        out.add(new Tuple2<>((long) b, open[b].trimmed()));
        open[b] = null;
      }
    }
    for (int b = 0; b < blocks; b++) {
      if (open[b] != null) {
        out.add(new Tuple2<>((long) b, open[b].trimmed()));
      }
    }
    return out.iterator();
  }

  /** Only the filled part is serialized. */
  private RatingChunk trimmed() {
    users = Arrays.copyOf(users, size);
    products = Arrays.copyOf(products, size);
    ratings = Arrays.copyOf(ratings, size);
    return this;
  }
}
