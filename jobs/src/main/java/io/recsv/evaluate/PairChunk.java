package io.recsv.evaluate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.XXH64;
import scala.Tuple2;

/**
 * Sampled pairs bound for one partition of the split, as primitive arrays: (user, product, weight, time), and once
 * there the seeded hash of each (computed where the pairs arrive: 8 random bytes a pair would not compress in the
 * shuffle). The split shuffles its pairs as a few of these per task rather than a row per pair, and puts each user's
 * pairs in the holdout's order with a counting sort by user and a small sort of each user's own pairs: no list of
 * objects per user, no sort of the partition's rows (both cost more than the split's arithmetic).
 */
final class PairChunk implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final int MAX = 4 << 20;

  int[] users = new int[1024];
  int[] products = new int[1024];
  float[] weights = new float[1024];
  long[] times = new long[1024];
  /** Set by {@link #joined}, where the pairs arrive; not shuffled. */
  transient long[] hashes;
  int size;

  private void add(int user, int product, float weight, long time) {
    if (size == users.length) {
      int n = size * 2;
      users = Arrays.copyOf(users, n);
      products = Arrays.copyOf(products, n);
      weights = Arrays.copyOf(weights, n);
      times = Arrays.copyOf(times, n);
    }
    users[size] = user;
    products[size] = product;
    weights[size] = weight;
    times[size] = time;
    size++;
  }

  /** The partition of a sampled user (a multiple of {@code every}): the sample's own index, modulo the partitions. */
  static int partitionOf(int user, long every, int partitions) {
    return (int) Math.floorMod(user / every, partitions);
  }

  /**
   * A task's rows (user, product, weight, time), keyed by their partition, in chunks of at most 4M pairs, so
   * that no record outgrows what a shuffle handles comfortably.
   */
  static Iterator<Tuple2<Integer, PairChunk>> split(Iterator<InternalRow> rows, long every, int partitions) {
    List<Tuple2<Integer, PairChunk>> out = new ArrayList<>();
    PairChunk[] open = new PairChunk[partitions];
    while (rows.hasNext()) {
      InternalRow r = rows.next();
      int user = r.getInt(0);
      int p = partitionOf(user, every, partitions);
      if (open[p] == null) {
        open[p] = new PairChunk();
      }
      open[p].add(user, r.getInt(1), r.getFloat(2), r.getLong(3));
      if (open[p].size == MAX) {
        out.add(new Tuple2<>(p, open[p].trimmed()));
        open[p] = null;
      }
    }
    for (int p = 0; p < partitions; p++) {
      if (open[p] != null) {
        out.add(new Tuple2<>(p, open[p].trimmed()));
      }
    }
    return out.iterator();
  }

  /** Only the filled part is serialized. */
  private PairChunk trimmed() {
    users = Arrays.copyOf(users, size);
    products = Arrays.copyOf(products, size);
    weights = Arrays.copyOf(weights, size);
    times = Arrays.copyOf(times, size);
    return this;
  }

  /** A user's pairs: the user and the positions of its pairs in {@link #products} and the rest, in order. */
  interface UserPairs {
    void accept(int user, int[] positions, int from, int to);
  }

  /** The seed Spark's {@code xxhash64} starts from. */
  private static final long SPARK_XXHASH64_SEED = 42L;

  /**
   * The seeded hash a pair's place in the holdout order falls back on: Spark's {@code xxhash64(user, product,
   * seed)} of the int indices and the long seed.
   */
  static long hash(int user, int product, long seed) {
    return XXH64.hashLong(seed, XXH64.hashInt(product, XXH64.hashInt(user, SPARK_XXHASH64_SEED)));
  }

  /** One partition's chunks, shuffled to it in any order, as one chunk, each pair's hash computed. */
  static PairChunk joined(Iterator<PairChunk> chunks, long seed) {
    List<PairChunk> all = new ArrayList<>();
    long n = 0;
    while (chunks.hasNext()) {
      PairChunk c = chunks.next();
      all.add(c);
      n += c.size;
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("a partition of the holdout split holds " + n + " pairs: more than an array"
          + " holds; raise spark.sql.shuffle.partitions");
    }
    PairChunk one = new PairChunk();
    int total = (int) n;
    one.users = new int[total];
    one.products = new int[total];
    one.weights = new float[total];
    one.hashes = new long[total];
    one.times = new long[total];
    int at = 0;
    for (PairChunk c : all) {
      System.arraycopy(c.users, 0, one.users, at, c.size);
      System.arraycopy(c.products, 0, one.products, at, c.size);
      System.arraycopy(c.weights, 0, one.weights, at, c.size);
      System.arraycopy(c.times, 0, one.times, at, c.size);
      at += c.size;
    }
    one.size = total;
    for (int i = 0; i < total; i++) {
      one.hashes[i] = hash(one.users[i], one.products[i], seed);
    }
    return one;
  }

  /**
   * {@code each} user of this chunk (sampled by {@code every}, in {@code partitions}), in ascending order, with the
   * positions of its pairs in the holdout's order: the latest first, then by the hash, then by product (untimed,
   * every time is 0). The order depends on the pairs alone, not on the order the shuffle delivered them in.
   */
  void forEachUser(long every, int partitions, UserPairs each) {
    if (size == 0) {
      return;
    }
    // Counting sort by the user's place in this partition (the users are every-th, then partitions-th, indices).
    long step = every * partitions;
    int places = 0;
    for (int i = 0; i < size; i++) {
      places = Math.max(places, (int) (users[i] / step) + 1);
    }
    int[] start = new int[places + 1];
    for (int i = 0; i < size; i++) {
      start[(int) (users[i] / step) + 1]++;
    }
    for (int u = 0; u < places; u++) {
      start[u + 1] += start[u];
    }
    int[] next = Arrays.copyOf(start, places);
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[next[(int) (users[i] / step)]++] = i;
    }
    for (int u = 0; u < places; u++) {
      int from = start[u];
      int to = start[u + 1];
      if (from < to) {
        sortInHoldoutOrder(order, from, to);
        each.accept(users[order[from]], order, from, to);
      }
    }
  }

  /** Positions {@code from} .. {@code to} of {@code order}, one user's pairs, put in the holdout's order. */
  private void sortInHoldoutOrder(int[] order, int from, int to) {
    if (to - from <= 32) {
      for (int i = from + 1; i < to; i++) {
        int moving = order[i];
        int j = i - 1;
        while (j >= from && before(moving, order[j])) {
          order[j + 1] = order[j];
          j--;
        }
        order[j + 1] = moving;
      }
      return;
    }
    Integer[] boxed = new Integer[to - from];
    for (int i = from; i < to; i++) {
      boxed[i - from] = order[i];
    }
    Arrays.sort(boxed, (a, b) -> before(a, b) ? -1 : before(b, a) ? 1 : 0);
    for (int i = from; i < to; i++) {
      order[i] = boxed[i - from];
    }
  }

  /** Whether pair a comes before pair b: later first, then the smaller hash, then the smaller product. */
  private boolean before(int a, int b) {
    if (times[a] != times[b]) {
      return times[a] > times[b];
    }
    if (hashes[a] != hashes[b]) {
      return hashes[a] < hashes[b];
    }
    return products[a] < products[b];
  }
}
