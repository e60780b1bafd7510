package io.recsv.als;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * One partition's interactions, held twice, as primitive arrays (2 x 12 bytes per interaction): by user (each
 * user's rows, for the user half-step) and by product within chunks of users (for the product half-step's partial
 * sums: a chunk's user factors stay in the CPU cache while its rows are read product by product, rather than every
 * row reading a random user's factors from memory). Built once per training and cached; every iteration reads it.
 */
final class UserBlock implements Serializable {

  private static final long serialVersionUID = 1L;

  final int index;
  /** The block's users, ascending; user {@code users[u]}'s rows are {@code userStart[u] .. userStart[u + 1]}. */
  final int[] users;
  final int[] userStart;
  final int[] productOfRow;
  final float[] ratingOfRow;
  /** The block's products, ascending. */
  final int[] products;
  /**
   * By chunk of {@link #chunkUsers} users, then product, then user: chunk c's segments are
   * {@code chunkSegment[c] .. chunkSegment[c + 1]}; segment s holds the rows of product {@code products[
   * segmentProduct[s]]} in that chunk, {@code segmentStart[s] .. segmentStart[s + 1]}, each row as its user's
   * position in {@link #users} and its rating.
   */
  final int chunkUsers;
  final int[] chunkSegment;
  final int[] segmentProduct;
  final int[] segmentStart;
  final int[] userPosOfRow;
  final float[] ratingByProduct;

  private UserBlock(int index, int[] users, int[] userStart, int[] productOfRow, float[] ratingOfRow,
      int chunkUsers) {
    this.index = index;
    this.users = users;
    this.userStart = userStart;
    this.productOfRow = productOfRow;
    this.ratingOfRow = ratingOfRow;
    this.chunkUsers = chunkUsers;
    int n = productOfRow.length;
    int[] sorted = productOfRow.clone();
    Arrays.sort(sorted);
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        sorted[distinct++] = sorted[i];
      }
    }
    this.products = Arrays.copyOf(sorted, distinct);
    // A product's position among the block's: a dense lookup (4 bytes per product of the catalogue, only while
    // the block is built) rather than a binary search per row.
    int[] position = new int[distinct == 0 ? 0 : products[distinct - 1] + 1];
    for (int p = 0; p < distinct; p++) {
      position[products[p]] = p;
    }
    int chunks = (users.length + chunkUsers - 1) / chunkUsers;
    this.chunkSegment = new int[chunks + 1];
    this.userPosOfRow = new int[n];
    this.ratingByProduct = new float[n];
    IntList segProduct = new IntList();
    IntList segStart = new IntList();
    int[] byProduct = new int[0];
    int[] rowUser = new int[0];
    // A counting sort by product when the block's products are few beside a chunk's rows (its counts cleared for
    // each chunk), else a sort of (product position, row) keys: the same order, rows ascending within a product.
    int[] count = distinct <= 4L * n / Math.max(1, chunks) + 1024 ? new int[distinct + 1] : null;
    long[] keys = new long[0];
    for (int c = 0; c < chunks; c++) {
      int firstUser = c * chunkUsers;
      int endUser = Math.min(users.length, firstUser + chunkUsers);
      int from = userStart[firstUser];
      int m = userStart[endUser] - from;
      if (byProduct.length < m) {
        byProduct = new int[m];
        rowUser = new int[m];
      }
      for (int u = firstUser; u < endUser; u++) {
        for (int r = userStart[u]; r < userStart[u + 1]; r++) {
          rowUser[r - from] = u;
        }
      }
      // The chunk's rows by product, each product's by user (the rows are in user order).
      if (count != null) {
        Arrays.fill(count, 0);
        for (int r = from; r < from + m; r++) {
          count[position[productOfRow[r]] + 1]++;
        }
        for (int p = 0; p < distinct; p++) {
          count[p + 1] += count[p];
        }
        for (int r = from; r < from + m; r++) {
          byProduct[count[position[productOfRow[r]]]++] = r - from;
        }
      } else {
        if (keys.length < m) {
          keys = new long[m];
        }
        for (int r = from; r < from + m; r++) {
          keys[r - from] = (long) position[productOfRow[r]] << 32 | (r - from);
        }
        Arrays.sort(keys, 0, m);
        for (int i = 0; i < m; i++) {
          byProduct[i] = (int) keys[i];
        }
      }
      chunkSegment[c] = segProduct.size;
      int previous = -1;
      for (int i = 0; i < m; i++) {
        int r = byProduct[i];
        int p = position[productOfRow[from + r]];
        if (p != previous) {
          segProduct.add(p);
          segStart.add(from + i);
          previous = p;
        }
        userPosOfRow[from + i] = rowUser[r];
        ratingByProduct[from + i] = ratingOfRow[from + r];
      }
    }
    chunkSegment[chunks] = segProduct.size;
    segStart.add(n);
    this.segmentProduct = segProduct.toArray();
    this.segmentStart = segStart.toArray();
  }

  /** Users per chunk so that a chunk's factors take about 1 MiB (rank floats each): within L2 and L3. */
  static int chunkUsers(int rank) {
    return Math.max(64, (1024 * 1024) / (4 * rank));
  }

  /**
   * From the chunks shuffled to block {@code index} of {@code blocks}, in any order: the rows are put in user order,
   * and each user's in product order, so that every sum runs in the same order in every run (deterministic for a
   * seed).
   */
  static UserBlock of(int index, Iterator<RatingChunk> chunks, int blocks, int rank) {
    List<RatingChunk> all = new ArrayList<>();
    long total = 0;
    while (chunks.hasNext()) {
      RatingChunk c = chunks.next();
      all.add(c);
      total += c.size;
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("ALS block " + index + " has " + total + " ratings: raise train.user-blocks");
    }
    int n = (int) total;
    int[] chunkOf = new int[all.size() + 1];
    for (int c = 0; c < all.size(); c++) {
      chunkOf[c + 1] = chunkOf[c] + all.get(c).size;
    }
    int[] order = byUser(all, n, index, blocks);
    IntList users = new IntList();
    IntList userStart = new IntList();
    int[] products = new int[n];
    float[] ratings = new float[n];
    for (int r = 0; r < n; r++) {
      int from = order[r];
      int c = chunkAt(chunkOf, from);
      RatingChunk chunk = all.get(c);
      int at = from - chunkOf[c];
      int user = chunk.users[at];
      if (users.size == 0 || users.last() != user) {
        users.add(user);
        userStart.add(r);
      }
      products[r] = chunk.products[at];
      ratings[r] = chunk.ratings[at];
    }
    userStart.add(n);
    int[] starts = userStart.toArray();
    for (int u = 0; u + 1 < starts.length; u++) {
      sortByProduct(products, ratings, starts[u], starts[u + 1]);
    }
    return new UserBlock(index, users.toArray(), starts, products, ratings, chunkUsers(rank));
  }

  /**
   * The positions of the chunks' rows in their concatenation, in order of (user, position). Block {@code index}'s
   * users are the indices {@code index} modulo {@code blocks}, and dense: a counting sort by the user's place among
   * them, one pass, when the places span at most a few times the rows (else a sort of the (user, position) keys).
   */
  private static int[] byUser(List<RatingChunk> all, int n, int index, int blocks) {
    int[] order = new int[n];
    if (n == 0) {
      return order;
    }
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (RatingChunk chunk : all) {
      for (int i = 0; i < chunk.size; i++) {
        if (RatingChunk.blockOf(chunk.users[i], blocks) != index) {
          throw new IllegalStateException("user " + chunk.users[i] + " reached ALS block " + index + " of " + blocks);
        }
        first = Math.min(first, chunk.users[i]);
        last = Math.max(last, chunk.users[i]);
      }
    }
    long places = (last - first) / blocks + 1;
    if (places > 4L * n + 1024) {
      long[] keys = new long[n];
      int at = 0;
      for (RatingChunk chunk : all) {
        for (int i = 0; i < chunk.size; i++, at++) {
          keys[at] = (long) chunk.users[i] << 32 | at;
        }
      }
      Arrays.sort(keys);
      for (int r = 0; r < n; r++) {
        order[r] = (int) keys[r];
      }
      return order;
    }
    int[] start = new int[(int) places + 1];
    for (RatingChunk chunk : all) {
      for (int i = 0; i < chunk.size; i++) {
        start[(int) ((chunk.users[i] - first) / blocks) + 1]++;
      }
    }
    for (int p = 0; p < places; p++) {
      start[p + 1] += start[p];
    }
    int at = 0;
    for (RatingChunk chunk : all) {
      for (int i = 0; i < chunk.size; i++, at++) {
        order[start[(int) ((chunk.users[i] - first) / blocks)]++] = at;
      }
    }
    return order;
  }

  /** The chunk holding position {@code at} of the concatenation. */
  private static int chunkAt(int[] chunkOf, int at) {
    int c = Arrays.binarySearch(chunkOf, at);
    if (c < 0) {
      return -c - 2;
    }
    while (chunkOf[c + 1] == at) {  // empty chunks share a start
      c++;
    }
    return c;
  }

  /** One user's rows in product order (an insertion sort: a user has tens of rows, rarely thousands). */
  private static void sortByProduct(int[] products, float[] ratings, int from, int to) {
    if (to - from > 64) {
      long[] keys = new long[to - from];
      for (int i = from; i < to; i++) {
        keys[i - from] = (long) products[i] << 32 | Float.floatToRawIntBits(ratings[i]) & 0xffffffffL;
      }
      java.util.Arrays.sort(keys);
      for (int i = from; i < to; i++) {
        products[i] = (int) (keys[i - from] >> 32);
        ratings[i] = Float.intBitsToFloat((int) keys[i - from]);
      }
      return;
    }
    for (int i = from + 1; i < to; i++) {
      int p = products[i];
      float r = ratings[i];
      int j = i - 1;
      for (; j >= from && products[j] > p; j--) {
        products[j + 1] = products[j];
        ratings[j + 1] = ratings[j];
      }
      products[j + 1] = p;
      ratings[j + 1] = r;
    }
  }

  /** A growable int[]: a block holds millions of rows, boxing them would triple its memory. */
  private static final class IntList {
    int[] values = new int[1024];
    int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, values.length * 2);
      }
      values[size++] = v;
    }

    int last() {
      return values[size - 1];
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }

}
