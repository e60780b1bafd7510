package io.recsv.als;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import scala.Tuple2;

/**
 * {@code train.solver = cg}: one block's part of {@code b - A z} for each of its products (z a product's current
 * factor, or without b its search direction: {@link ConjugateGradient#addRows}), k floats and the count of counted
 * rows: what a step of conjugate gradient shuffles instead of a normal equation's k (k + 1) / 2 + k + 1. Shuffled
 * {@link #byRange}: a few large records rather than one small record per product and block, whose per-record cost
 * dominated the product half-step (docs/training.md).
 */
final class ProductResiduals extends ProductPartials {
  private final float[] x;
  private final float[] z;
  private final boolean targets;
  private final BroadcastAls.Params p;
  private final float[][] sums;
  private final int[] counts;

  /** {@code x}: the block's user factors; {@code z}: every product's (products x rank). */
  ProductResiduals(UserBlock b, float[] x, float[] z, boolean targets, BroadcastAls.Params p) {
    super(b, p.blocks(), 4L * (p.rank() + 1));
    this.x = x;
    this.z = z;
    this.targets = targets;
    this.p = p;
    this.sums = new float[perRange][p.rank()];
    this.counts = new int[perRange];
  }

  @Override
  protected void clear(int slot) {
    Arrays.fill(sums[slot], 0);
    counts[slot] = 0;
  }

  @Override
  protected void add(int slot, int product, int from, int to) {
    counts[slot] += ConjugateGradient.addRows(sums[slot], x, b.userPosOfRow, b.ratingByProduct, from, to, z,
        product * p.rank(), targets, p);
  }

  @Override
  protected float[] packed(int slot) {
    float[] s = sums[slot];
    float[] out = Arrays.copyOf(s, s.length + 1);
    out[s.length] = counts[slot];
    return out;
  }

  /** Parts for several products: their indices, ascending, and a fixed number of floats each. */
  record Parts(int[] products, float[] values) implements Serializable {}

  /**
   * The parts by range of {@code rangeSize} products, keyed range x blocks + block (a range's parts meet where
   * {@link KeyPartitioner} sends them, in block order), one record per range: a range's records are what the
   * reduce side holds in memory anyway.
   */
  static Iterator<Tuple2<Long, Parts>> byRange(Iterator<Tuple2<Long, float[]>> parts, int blocks, int rangeSize) {
    return new Iterator<>() {
      private Tuple2<Long, float[]> pending;

      @Override
      public boolean hasNext() {
        return pending != null || parts.hasNext();
      }

      @Override
      public Tuple2<Long, Parts> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Tuple2<Long, float[]> first = pending != null ? pending : parts.next();
        pending = null;
        long block = first._1() % blocks;
        long range = first._1() / blocks / rangeSize;
        int width = first._2().length;
        int[] products = new int[16];
        float[] values = new float[16 * width];
        int n = 0;
        for (Tuple2<Long, float[]> t = first; t != null; t = parts.hasNext() ? parts.next() : null) {
          long product = t._1() / blocks;
          if (product / rangeSize != range) {
            pending = t;
            break;
          }
          if (n == products.length) {
            products = Arrays.copyOf(products, 2 * n);
            values = Arrays.copyOf(values, 2 * n * width);
          }
          products[n] = (int) product;
          System.arraycopy(t._2(), 0, values, n * width, width);
          n++;
        }
        return new Tuple2<>(range * blocks + block,
            new Parts(Arrays.copyOf(products, n), Arrays.copyOf(values, n * width)));
      }
    };
  }
}
