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
    long[] keys = new long[0];
    int[] rowUser = new int[0];
    for (int c = 0; c < chunks; c++) {
      int firstUser = c * chunkUsers;
      int endUser = Math.min(users.length, firstUser + chunkUsers);
      int from = userStart[firstUser];
      int m = userStart[endUser] - from;
      if (keys.length < m) {
        keys = new long[m];
        rowUser = new int[m];
      }
      // (product position, user position): sorted, the chunk's rows by product, each product's by user.
      for (int u = firstUser; u < endUser; u++) {
        for (int r = userStart[u]; r < userStart[u + 1]; r++) {
          keys[r - from] = (long) position[productOfRow[r]] << 32 | (r - from);
          rowUser[r - from] = u;
        }
      }
      Arrays.sort(keys, 0, m);
      chunkSegment[c] = segProduct.size;
      for (int i = 0; i < m; i++) {
        int r = (int) keys[i];
        int p = (int) (keys[i] >>> 32);
        if (i == 0 || p != (int) (keys[i - 1] >>> 32)) {
          segProduct.add(p);
          segStart.add(from + i);
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
   * From the chunks shuffled to block {@code index}, in any order: the rows are put in user order, and each user's
   * in product order, so that every sum runs in the same order in every run (deterministic for a seed).
   */
  static UserBlock of(int index, Iterator<RatingChunk> chunks, int rank) {
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
    // (user, position in the concatenation): sorted, the rows by user.
    int[] chunkOf = new int[all.size() + 1];
    long[] keys = new long[n];
    int at = 0;
    for (int c = 0; c < all.size(); c++) {
      chunkOf[c] = at;
      RatingChunk chunk = all.get(c);
      for (int i = 0; i < chunk.size; i++, at++) {
        keys[at] = (long) chunk.users[i] << 32 | at;
      }
    }
    chunkOf[all.size()] = n;
    Arrays.sort(keys);
    IntList users = new IntList();
    IntList userStart = new IntList();
    int[] products = new int[n];
    float[] ratings = new float[n];
    int c = 0;
    for (int r = 0; r < n; r++) {
      int user = (int) (keys[r] >>> 32);
      int from = (int) keys[r];
      if (users.size == 0 || users.last() != user) {
        users.add(user);
        userStart.add(r);
      }
      c = chunkAt(chunkOf, from);
      RatingChunk chunk = all.get(c);
      products[r] = chunk.products[from - chunkOf[c]];
      ratings[r] = chunk.ratings[from - chunkOf[c]];
    }
    userStart.add(n);
    int[] starts = userStart.toArray();
    for (int u = 0; u + 1 < starts.length; u++) {
      sortByProduct(products, ratings, starts[u], starts[u + 1]);
    }
    return new UserBlock(index, users.toArray(), starts, products, ratings, chunkUsers(rank));
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
