package io.recsv.prepare;

import io.recsv.lineage.RunLayout;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import scala.Tuple2;

/**
 * One partition of prepare's (user, product) pairs: every interaction of its users, combined per pair
 * ({@code prepare.aggregate}), held as a few primitive arrays. Its users are ascending and each user's products
 * are ascending.
 * <p>Why a block: a user's index is the count of users in the partitions before its own plus its rank in its
 * own, and those counts are known only once every partition has been combined. The blocks stay cached between
 * counting and writing, so the input is read and shuffled once, and the pairs need no join with a user
 * dictionary (which cost a second shuffle of every pair).
 */
final class PairBlock implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Distinct users, ascending; the pairs of {@code users[i]} are {@code [first[i], first[i + 1])}. */
  private final long[] users;
  private final int[] first;
  private final long[] products;
  private final float[] weights;
  /** Each pair's latest time; null when the input has none. */
  private final long[] times;

  private PairBlock(long[] users, int[] first, long[] products, float[] weights, long[] times) {
    this.users = users;
    this.first = first;
    this.products = products;
    this.weights = weights;
    this.times = times;
  }

  /** How many users, pairs, and pairs per user one block has (its users' offset is the sum before it). */
  record Summary(long users, long pairs, SortedMap<Long, Long> pairsPerUser) implements Serializable {}

  /**
   * The parsed rows (user_id, product_id, weight, last_time), shuffled by user into {@code partitions} blocks (a
   * user's partition is Spark's hash of its id, so the same input and partition count give the same blocks), one
   * block per partition.
   */
  static JavaRDD<PairBlock> byUser(Dataset<Row> parsed, int partitions, PrepareJob.Aggregate aggregate,
      boolean hasTime) {
    // Without times the shuffle carries three columns, not a fourth that is always null.
    Dataset<Row> columns = hasTime
        ? parsed.select(RunLayout.USER_ID, RunLayout.PRODUCT_ID, RunLayout.WEIGHT, RunLayout.TIME)
        : parsed.select(RunLayout.USER_ID, RunLayout.PRODUCT_ID, RunLayout.WEIGHT);
    Dataset<Row> sorted = columns
        .repartition(partitions, functions.col(RunLayout.USER_ID))
        .sortWithinPartitions(RunLayout.USER_ID, RunLayout.PRODUCT_ID);
    // Spark's own rows, read without conversion to Row objects.
    return sorted.queryExecution().toRdd().toJavaRDD()
        .mapPartitions(rows -> List.of(combine(rows, aggregate, hasTime)).iterator(), true);
  }

  /** Rows (user, product, weight[, time]) sorted by (user, product), each pair's rows combined into one. */
  static PairBlock combine(Iterator<InternalRow> rows, PrepareJob.Aggregate aggregate, boolean hasTime) {
    Builder out = new Builder(hasTime);
    boolean open = false;
    long user = 0;
    long product = 0;
    double weight = 0;
    long time = 0;
    while (rows.hasNext()) {
      InternalRow r = rows.next();
      long u = r.getLong(0);
      long p = r.getLong(1);
      double w = r.getDouble(2);
      long t = hasTime ? r.getLong(3) : 0;
      if (open && u == user && p == product) {
        weight = switch (aggregate) {
          case SUM -> weight + w;
          case MAX -> Math.max(weight, w);
          case COUNT -> weight + 1;
        };
        time = Math.max(time, t);
        continue;
      }
      if (open) {
        out.add(user, product, weight, time);
      }
      open = true;
      user = u;
      product = p;
      weight = aggregate == PrepareJob.Aggregate.COUNT ? 1 : w;
      time = t;
    }
    if (open) {
      out.add(user, product, weight, time);
    }
    return out.build();
  }

  Summary summary() {
    SortedMap<Long, Long> pairsPerUser = new TreeMap<>();
    for (int i = 0; i < users.length; i++) {
      pairsPerUser.merge((long) first[i + 1] - first[i], 1L, Long::sum);
    }
    return new Summary(users.length, products.length, pairsPerUser);
  }

  /** (product id, how many of this block's pairs have it), once per product of the block. */
  Iterator<Tuple2<Long, Long>> productPairs() {
    long[] sorted = products.clone();
    Arrays.sort(sorted);
    List<Tuple2<Long, Long>> out = new ArrayList<>();
    for (int i = 0; i < sorted.length; ) {
      int j = i;
      while (j < sorted.length && sorted[j] == sorted[i]) {
        j++;
      }
      out.add(new Tuple2<>(sorted[i], (long) (j - i)));
      i = j;
    }
    return out.iterator();
  }

  /** (user_id, user_index): the block's users numbered {@code from} to {@code to - 1}, in id order. */
  Iterator<Row> userRows(long from, long to) {
    requireUsers(to - from);
    return new Rows(users.length) {
      @Override
      Row row(int i) {
        return RowFactory.create(users[i], (int) (from + i));
      }
    };
  }

  /**
   * (user_index, product_index, weight[, last_time]) of every pair: users numbered {@code from} to {@code to - 1},
   * a product's index its rank among {@code productIds} (all products, ascending).
   */
  Iterator<Row> interactionRows(long from, long to, long[] productIds) {
    requireUsers(to - from);
    return new Rows(products.length) {
      private int user = -1;

      @Override
      Row row(int i) {
        while (first[user + 1] <= i) {
          user++;
        }
        int product = Arrays.binarySearch(productIds, products[i]);
        if (product < 0) {
          throw changedInput("product_id " + products[i] + " is not among the products counted");
        }
        return times == null ? RowFactory.create((int) (from + user), product, weights[i])
            : RowFactory.create((int) (from + user), product, weights[i], times[i]);
      }
    };
  }

  /**
   * The block is what was counted. It is cached, but Spark recomputes a lost block from the input: had the input
   * changed meanwhile, indices would overlap or be missing, and prepare must fail rather than publish them.
   */
  private void requireUsers(long counted) {
    if (users.length != counted) {
      throw changedInput(users.length + " users in a partition that had " + counted + " when they were counted");
    }
  }

  private static IllegalStateException changedInput(String what) {
    return new IllegalStateException("prepare: " + what + ": the input changed while prepare read it (a lost"
        + " partition is read again); nothing was published, run prepare again");
  }

  /** Rows made one at a time, as the writer asks for them. */
  private abstract static class Rows implements Iterator<Row> {
    private final int size;
    private int next;

    Rows(int size) {
      this.size = size;
    }

    abstract Row row(int i);

    @Override
    public boolean hasNext() {
      return next < size;
    }

    @Override
    public Row next() {
      if (next >= size) {
        throw new NoSuchElementException();
      }
      return row(next++);
    }
  }

  /** Appends combined pairs in (user, product) order; arrays grow by half. */
  private static final class Builder {
    private long[] users = new long[1024];
    private int[] first = new int[1025];
    private int userCount;
    private long[] products = new long[1024];
    private float[] weights = new float[1024];
    private long[] times;
    private int size;

    Builder(boolean hasTime) {
      times = hasTime ? new long[1024] : null;
    }

    void add(long user, long product, double combined, long time) {
      float weight = (float) combined;
      if (Float.isInfinite(weight)) {
        throw InteractionValidator.overflow(user, product, combined);
      }
      if (userCount == 0 || users[userCount - 1] != user) {
        if (userCount == users.length) {
          users = Arrays.copyOf(users, grown(userCount));
          first = Arrays.copyOf(first, users.length + 1);
        }
        users[userCount] = user;
        first[userCount++] = size;
      }
      if (size == products.length) {
        int capacity = grown(size);
        products = Arrays.copyOf(products, capacity);
        weights = Arrays.copyOf(weights, capacity);
        times = times == null ? null : Arrays.copyOf(times, capacity);
      }
      products[size] = product;
      weights[size] = weight;
      if (times != null) {
        times[size] = time;
      }
      size++;
    }

    private static int grown(int n) {
      if (n >= Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("more than " + n + " pairs in one partition: raise "
            + "spark.sql.shuffle.partitions");
      }
      return (int) Math.min(Integer.MAX_VALUE - 16L, n + (n >> 1) + 1L);
    }

    PairBlock build() {
      first[userCount] = size;
      return new PairBlock(Arrays.copyOf(users, userCount), Arrays.copyOf(first, userCount + 1),
          Arrays.copyOf(products, size), Arrays.copyOf(weights, size),
          times == null ? null : Arrays.copyOf(times, size));
    }
  }
}
