package io.recsv.prepare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import scala.Tuple2;

/**
 * A map task's side of prepare's one shuffle: parsed interactions gathered as primitive arrays, then, every
 * {@link #FLUSH} rows and at the end, put in each user's block (the block Spark's {@code repartition} by the user
 * id chose: {@link LongHashPartitioner}), sorted by (user, product) and combined per pair: a chunk per block.
 * Memory is bounded by {@link #FLUSH} rows, whatever the split's size.
 */
final class UserBuckets {

  /**
   * Rows held before they are sorted into chunks: 2^21 rows are 56 MiB of arrays (72 with times), and about as much
   * again while they are put in blocks.
   */
  static final int FLUSH = 1 << 21;

  private final int blocks;
  private final PrepareJob.Aggregate aggregate;
  private final boolean hasTime;
  private final List<Tuple2<Integer, SortedPairs>> out = new ArrayList<>();
  private long[] users = new long[1024];
  private long[] products = new long[1024];
  private double[] weights = new double[1024];
  private long[] times;
  private int[] block = new int[1024];
  private int size;

  UserBuckets(int blocks, PrepareJob.Aggregate aggregate, boolean hasTime) {
    this.blocks = blocks;
    this.aggregate = aggregate;
    this.hasTime = hasTime;
    this.times = hasTime ? new long[1024] : null;
  }

  /** One valid row of the input ({@code time} ignored without times). */
  void add(long user, long product, double weight, long time) {
    if (size == users.length) {
      grow();
    }
    users[size] = user;
    products[size] = product;
    weights[size] = aggregate == PrepareJob.Aggregate.COUNT ? 1 : weight;
    if (times != null) {
      times[size] = time;
    }
    block[size] = LongHashPartitioner.partitionOf(user, blocks);
    size++;
    if (size == FLUSH) {
      flush();
    }
  }

  /** Every chunk, keyed by its block; the buckets are empty after. */
  List<Tuple2<Integer, SortedPairs>> chunks() {
    flush();
    List<Tuple2<Integer, SortedPairs>> chunks = List.copyOf(out);
    out.clear();
    return chunks;
  }

  /** A counting sort of the rows by block, then each block's rows sorted and combined. */
  private void flush() {
    if (size == 0) {
      return;
    }
    int[] start = new int[blocks + 1];
    for (int i = 0; i < size; i++) {
      start[block[i] + 1]++;
    }
    for (int b = 0; b < blocks; b++) {
      start[b + 1] += start[b];
    }
    int[] next = Arrays.copyOf(start, blocks);
    long[] u = new long[size];
    long[] p = new long[size];
    double[] w = new double[size];
    long[] t = hasTime ? new long[size] : null;
    for (int i = 0; i < size; i++) {
      int at = next[block[i]]++;
      u[at] = users[i];
      p[at] = products[i];
      w[at] = weights[i];
      if (t != null) {
        t[at] = times[i];
      }
    }
    for (int b = 0; b < blocks; b++) {
      if (start[b] < start[b + 1]) {
        out.add(new Tuple2<>(b, SortedPairs.of(u, p, w, t, start[b], start[b + 1], aggregate)));
      }
    }
    size = 0;
  }

  private void grow() {
    int capacity = Math.min(FLUSH, users.length * 2);
    users = Arrays.copyOf(users, capacity);
    products = Arrays.copyOf(products, capacity);
    weights = Arrays.copyOf(weights, capacity);
    times = times == null ? null : Arrays.copyOf(times, capacity);
    block = Arrays.copyOf(block, capacity);
  }
}
