package io.recsv.als;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import scala.Tuple2;

/**
 * What one block adds to each of its products' problems, as floats keyed product x blocks + block (a product's parts
 * then meet, in block order, where {@link KeyPartitioner} sends them). A range of products is summed at a time (at
 * most 64 MiB of sums in memory), each range chunk by chunk of users so that the chunk's factors stay in the CPU
 * cache. What is summed is the subclass's: a normal equation ({@link ProductSums}), or a residual of conjugate
 * gradient ({@link ProductResiduals}).
 */
abstract class ProductPartials implements Iterator<Tuple2<Long, float[]>> {
  private static final long RANGE_BYTES = 64L << 20;
  protected final UserBlock b;
  /** Products summed at a time: the subclass holds this many sums. */
  protected final int perRange;
  private final int blocks;
  private final int[] cursor;
  private int rangeStart;
  private int rangeEnd;
  private int next;

  protected ProductPartials(UserBlock b, int blocks, long bytesPerProduct) {
    this.b = b;
    this.blocks = blocks;
    this.perRange = (int) Math.max(1, Math.min(b.products.length, RANGE_BYTES / bytesPerProduct));
    this.cursor = Arrays.copyOf(b.chunkSegment, b.chunkSegment.length - 1);
  }

  /** Empties sum {@code slot} for the next range's product. */
  protected abstract void clear(int slot);

  /**
   * Adds rows {@code from .. to} of the block's by-product layout ({@link UserBlock#userPosOfRow},
   * {@link UserBlock#ratingByProduct}), all of product {@code product}, to sum {@code slot}.
   */
  protected abstract void add(int slot, int product, int from, int to);

  /** Sum {@code slot} as it is shuffled. */
  protected abstract float[] packed(int slot);

  @Override
  public final boolean hasNext() {
    return next < b.products.length;
  }

  @Override
  public final Tuple2<Long, float[]> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    if (next == rangeEnd) {
      sumRange();
    }
    int at = next++;
    return new Tuple2<>((long) b.products[at] * blocks + b.index, packed(at - rangeStart));
  }

  private void sumRange() {
    rangeStart = rangeEnd;
    rangeEnd = Math.min(b.products.length, rangeStart + perRange);
    for (int i = 0; i < rangeEnd - rangeStart; i++) {
      clear(i);
    }
    for (int c = 0; c < cursor.length; c++) {
      int s = cursor[c];
      for (; s < b.chunkSegment[c + 1] && b.segmentProduct[s] < rangeEnd; s++) {
        int position = b.segmentProduct[s];
        add(position - rangeStart, b.products[position], b.segmentStart[s], b.segmentStart[s + 1]);
      }
      cursor[c] = s;
    }
  }
}
