package io.recsv.prepare;

import io.recsv.config.UserError;
import io.recsv.lineage.RunLayout;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
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
  /** The start of the message a task fails with when a pair's combined weight overflows a float. */
  private static final String OVERFLOW = "recsv: combined weight: ";

  /** Distinct users, ascending; the pairs of {@code users[i]} are {@code [first[i], first[i + 1])}. */
  private final long[] users;
  private final int[] first;
  private final long[] products;
  private final float[] weights;
  /** Each pair's latest time; null when the input has none. */
  private final long[] times;
  private transient ProductTable productTable;

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
   * The map tasks' chunks, each keyed by its block, shuffled into {@code partitions} blocks, one block per
   * partition: a block's chunks merged, each pair's partial results combined once more.
   */
  static JavaRDD<PairBlock> byUser(JavaPairRDD<Integer, SortedPairs> chunks, int partitions,
      PrepareJob.Aggregate aggregate) {
    return chunks.partitionBy(new HashPartitioner(partitions))
        .mapPartitions(keyed -> {
          List<SortedPairs> parts = new ArrayList<>();
          keyed.forEachRemaining(chunk -> parts.add(chunk._2()));
          return List.of(of(parts, aggregate)).iterator();
        }, true);
  }

  /**
   * The block of these chunks (each sorted and combined), merged in one pass: a heap of the chunks ordered by
   * their next pair, so that only the chunks and the block are in memory at once (merging two at a time would hold
   * a level's copies as well).
   */
  static PairBlock of(List<SortedPairs> chunks, PrepareJob.Aggregate aggregate) {
    SortedPairs[] c = chunks.toArray(new SortedPairs[0]);
    int[] at = new int[c.length];
    int[] heap = new int[c.length];
    int live = 0;
    long total = 0;
    for (int k = 0; k < c.length; k++) {
      total += c[k].size();
      if (c[k].size() > 0) {
        heap[live++] = k;
      }
    }
    for (int i = live / 2 - 1; i >= 0; i--) {
      siftDown(heap, i, live, c, at);
    }
    Builder out = new Builder(c.length > 0 && c[0].times != null, total);
    boolean open = false;
    long user = 0;
    long product = 0;
    double weight = 0;
    long time = 0;
    while (live > 0) {
      SortedPairs next = c[heap[0]];
      int i = at[heap[0]]++;
      if (open && next.users[i] == user && next.products[i] == product) {
        weight = SortedPairs.combined(aggregate, weight, next.weights[i]);
        time = next.times == null ? 0 : Math.max(time, next.times[i]);
      } else {
        if (open) {
          out.add(user, product, weight, time);
        }
        open = true;
        user = next.users[i];
        product = next.products[i];
        weight = next.weights[i];
        time = next.times == null ? 0 : next.times[i];
      }
      if (at[heap[0]] == next.size()) {
        heap[0] = heap[--live];
      }
      siftDown(heap, 0, live, c, at);
    }
    if (open) {
      out.add(user, product, weight, time);
    }
    return out.build();
  }

  /** Restores the heap below {@code node}: the chunk whose next pair comes first on top. */
  private static void siftDown(int[] heap, int node, int live, SortedPairs[] c, int[] at) {
    while (true) {
      int child = 2 * node + 1;
      if (child >= live) {
        return;
      }
      if (child + 1 < live && before(c, at, heap[child + 1], heap[child])) {
        child++;
      }
      if (!before(c, at, heap[child], heap[node])) {
        return;
      }
      int t = heap[node];
      heap[node] = heap[child];
      heap[child] = t;
      node = child;
    }
  }

  private static boolean before(SortedPairs[] c, int[] at, int a, int b) {
    return PairSort.compare(c[a].users[at[a]], c[a].products[at[a]], c[b].users[at[b]], c[b].products[at[b]]) < 0;
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
    ProductTable table = productTable();
    List<Tuple2<Long, Long>> out = new ArrayList<>(table.size());
    for (int slot = 0; slot < table.capacity(); slot++) {
      if (table.used(slot)) {
        out.add(new Tuple2<>(table.id(slot), (long) table.pairs(slot)));
      }
    }
    return out.iterator();
  }

  /** Built once per cached block: counting its products and writing its pairs both use it. */
  private ProductTable productTable() {
    if (productTable == null) {
      productTable = new ProductTable(products);
    }
    return productTable;
  }

  /**
   * (user_id, user_index): the block's users numbered {@code from} to {@code to - 1}, in id order. Spark's own
   * rows, one reused: the writer copies each as it takes it.
   */
  Iterator<InternalRow> userRows(long from, long to) {
    requireUsers(to - from);
    SpecificInternalRow row = new SpecificInternalRow(RunLayout.usersSchema());
    return new Rows(users.length) {
      @Override
      InternalRow row(int i) {
        row.setLong(0, users[i]);
        row.setInt(1, (int) (from + i));
        return row;
      }
    };
  }

  /**
   * (user_index, product_index, weight[, last_time]) of every pair: users numbered {@code from} to {@code to - 1},
   * a product's index its rank among {@code productIds} (all products, ascending). One reused row, as above.
   */
  Iterator<InternalRow> interactionRows(long from, long to, long[] productIds) {
    requireUsers(to - from);
    SpecificInternalRow row = new SpecificInternalRow(RunLayout.interactionsSchema(times != null));
    ProductTable table = productTable();
    int[] productIndex = table.indices(productIds);
    return new Rows(products.length) {
      private int user = -1;

      @Override
      InternalRow row(int i) {
        while (first[user + 1] <= i) {
          user++;
        }
        int product = productIndex[table.slot(products[i])];
        if (product < 0) {
          throw changedInput("product_id " + products[i] + " is not among the products counted");
        }
        row.setInt(0, (int) (from + user));
        row.setInt(1, product);
        row.setFloat(2, weights[i]);
        if (times != null) {
          row.setLong(3, times[i]);
        }
        return row;
      }
    };
  }

  /**
   * What a task fails with when a pair's combined weight overflows the 32-bit float ALS stores; {@link #overflow(
   * Throwable, String)} turns it into the user's error, with the pair's ids.
   */
  private static IllegalArgumentException overflow(long user, long product, double combined) {
    return new IllegalArgumentException(OVERFLOW + "user_id " + user + ", product_id " + product
        + ": the weights of this pair add up to " + combined + ", beyond the range of the 32-bit float ALS stores"
        + " weights as (about 3.4e38)");
  }

  /** The user's error if {@code failure} is a pair's overflow, or null. */
  static UserError overflow(Throwable failure, String input) {
    String overflow = ExceptionUtils.getThrowableList(failure).stream().map(Throwable::getMessage)
        .filter(m -> m != null && m.contains(OVERFLOW)).findFirst().orElse(null);
    if (overflow == null) {
      return null;
    }
    String text = overflow.substring(overflow.indexOf(OVERFLOW) + OVERFLOW.length());
    int end = text.indexOf('\n');
    return new UserError("prepare.input " + input + ": " + (end > 0 ? text.substring(0, end) : text)
        + ". Nothing was written");
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
  private abstract static class Rows implements Iterator<InternalRow> {
    private final int size;
    private int next;

    Rows(int size) {
      this.size = size;
    }

    abstract InternalRow row(int i);

    @Override
    public boolean hasNext() {
      return next < size;
    }

    @Override
    public InternalRow next() {
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
    private long[] products;
    private float[] weights;
    private long[] times;
    private int size;

    /** A builder with room for {@code pairs} pairs (more make it grow). */
    Builder(boolean hasTime, long pairs) {
      int capacity = (int) Math.max(16, Math.min(pairs, Integer.MAX_VALUE - 16));
      products = new long[capacity];
      weights = new float[capacity];
      times = hasTime ? new long[capacity] : null;
    }

    void add(long user, long product, double combined, long time) {
      float weight = (float) combined;
      if (Float.isInfinite(weight)) {
        throw overflow(user, product, combined);
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
      return new PairBlock(Arrays.copyOf(users, userCount), Arrays.copyOf(first, userCount + 1), trimmed(products),
          size == weights.length ? weights : Arrays.copyOf(weights, size), times == null ? null : trimmed(times));
    }

    /** The array itself when full (no pair was combined across chunks), else a copy of its pairs. */
    private long[] trimmed(long[] array) {
      return size == array.length ? array : Arrays.copyOf(array, size);
    }
  }
}
