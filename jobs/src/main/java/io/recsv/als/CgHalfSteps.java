package io.recsv.als;

import io.recsv.als.BroadcastAls.BlockFactors;
import io.recsv.als.BroadcastAls.Params;
import io.recsv.als.BroadcastAls.Solved;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * {@code train.solver = cg}: each user's and product's problem improved by a few steps of conjugate gradient
 * ({@link ConjugateGradient}) from the last iteration's factor. Users where their block is; products by passes over
 * the blocks, one per step, the steps' vectors on the driver.
 */
final class CgHalfSteps implements HalfSteps {

  /** Each user is improved from its last factor: the users' lineage grows, and is checkpointed. */
  @Override
  public boolean fromPrevious() {
    return true;
  }

  /**
   * The products improved from {@code start} by conjugate gradient. Every step is a pass over the blocks, each
   * adding its part of every product's {@code b - A z} (k floats a product, where the exact solve shuffles a
   * normal equation), the parts summed by product. The steps' vectors (current factors, residuals, directions: 3 x
   * products x rank floats) are on the driver, as the product factors are; the directions are broadcast per step.
   * The start is the factors the users were solved from, broadcast already (null in the first iteration).
   */
  @Override
  public Solved products(SparkSession spark, JavaRDD<UserBlock> userBlocks, JavaRDD<BlockFactors> users,
      Partitioner byProduct, Solved previous, Broadcast<float[]> startBroadcast, Params p) {
    float[] start = previous.factors();
    int k = p.rank();
    int products = start.length / k;
    // Every step's residuals subtract G z where they are summed: the users' Gram matrix first, on the driver.
    float[][] gram = p.implicit() ? ConjugateGradient.full(BroadcastAls.userGram(users)) : null;
    float[] x = start.clone();
    float[] r = new float[x.length];
    float[] direction = new float[x.length];
    double[] rs = new double[products];
    boolean[] present = new boolean[products];
    Broadcast<float[]> z = startBroadcast != null ? startBroadcast : BroadcastAls.broadcast(spark, start);
    List<ProductResiduals.Parts> residuals = residuals(userBlocks, users, z, products, true, gram, byProduct, p);
    if (startBroadcast == null) {
      z.destroy();
    }
    for (ProductResiduals.Parts parts : residuals) {
      for (int at = 0; at < parts.products().length; at++) {
        int product = parts.products()[at];
        present[product] = true;
        System.arraycopy(parts.values(), at * k, r, product * k, k);
        System.arraycopy(parts.values(), at * k, direction, product * k, k);
        for (int i = 0; i < k; i++) {
          rs[product] += (double) r[product * k + i] * r[product * k + i];
        }
      }
    }
    float[] minusAp = new float[k];
    for (int step = 0; step < p.cgSteps(); step++) {
      Broadcast<float[]> directions = BroadcastAls.broadcast(spark, direction);
      List<ProductResiduals.Parts> minusAps = residuals(userBlocks, users, directions, products, false, gram,
          byProduct, p);
      // Its result is on the driver: nothing will read it again.
      directions.destroy();
      for (ProductResiduals.Parts parts : minusAps) {
        for (int at = 0; at < parts.products().length; at++) {
          int product = parts.products()[at];
          if (rs[product] > ConjugateGradient.SOLVED) {
            System.arraycopy(parts.values(), at * k, minusAp, 0, k);
            rs[product] = ConjugateGradient.update(x, product * k, r, direction, product * k, minusAp, rs[product]);
          }
        }
      }
    }
    return new Solved(x, present);
  }

  /**
   * {@code b - A z} for every product (b left out unless {@code targets}), z broadcast: the blocks' parts by range of
   * products, a range's summed where it meets and G z and lambda n z subtracted there.
   */
  private static List<ProductResiduals.Parts> residuals(JavaRDD<UserBlock> userBlocks, JavaRDD<BlockFactors> users,
      Broadcast<float[]> z, int products, boolean targets, float[][] gram, Partitioner byProduct, Params params) {
    int blocks = params.blocks();
    int rangeSize = (products + byProduct.numPartitions() - 1) / byProduct.numPartitions();
    return userBlocks.zipPartitions(users, (b, x) -> ProductResiduals.byRange(
            new ProductResiduals(b.next(), x.next().factors(), z.value(), targets, params), blocks, rangeSize))
        .mapToPair(t -> t)
        .repartitionAndSortWithinPartitions(byProduct)
        .mapPartitions(sorted -> Collections.singletonList(
            residualTotals(sorted, params, gram, z.value(), rangeSize)).iterator())
        .collect();
  }

  /** A range's parts, in block order, summed per product; then {@code - G z - lambda n z}: its residuals. */
  private static ProductResiduals.Parts residualTotals(Iterator<Tuple2<Long, ProductResiduals.Parts>> sorted,
      Params params, float[][] gram, float[] z, int rangeSize) {
    int k = params.rank();
    double[] sum = null;
    boolean[] seen = null;
    int first = -1;
    while (sorted.hasNext()) {
      ProductResiduals.Parts parts = sorted.next()._2();
      if (sum == null) {
        first = parts.products()[0] / rangeSize * rangeSize;
        sum = new double[rangeSize * (k + 1)];
        seen = new boolean[rangeSize];
      }
      for (int i = 0; i < parts.products().length; i++) {
        int at = parts.products()[i] - first;
        seen[at] = true;
        for (int j = 0; j <= k; j++) {
          sum[at * (k + 1) + j] += parts.values()[i * (k + 1) + j];
        }
      }
    }
    int n = 0;
    for (int at = 0; seen != null && at < rangeSize; at++) {
      n += seen[at] ? 1 : 0;
    }
    int[] products = new int[n];
    float[] residuals = new float[n * k];
    float[] residual = new float[k];
    for (int at = 0, i = 0; i < n; at++) {
      if (!seen[at]) {
        continue;
      }
      int product = first + at;
      for (int j = 0; j < k; j++) {
        residual[j] = (float) sum[at * (k + 1) + j];
      }
      ConjugateGradient.subtractRest(residual, gram, (float) (params.regParam() * sum[at * (k + 1) + k]), z,
          product * k);
      products[i] = product;
      System.arraycopy(residual, 0, residuals, i * k, k);
      i++;
    }
    return new ProductResiduals.Parts(products, residuals);
  }

  @Override
  public JavaRDD<BlockFactors> users(JavaRDD<UserBlock> blocks, JavaRDD<BlockFactors> previous,
      Broadcast<float[]> y, double[][] productGram, int iteration, Params p) {
    float[][] full = productGram == null ? null : ConjugateGradient.full(productGram);
    JavaRDD<BlockFactors> users = blocks.zipPartitions(previous, (b, x) -> Collections.singletonList(
        users(b.next(), x.next(), y.value(), full, p)).iterator());
    // Not the last: the model's rows are cached from it at once, a checkpoint would be a second copy.
    if (iteration % p.checkpointInterval() == 0 && iteration < p.maxIter()) {
      users.checkpoint();
    }
    return users;
  }

  /** A block's users improved from their previous factors. */
  static BlockFactors users(UserBlock b, BlockFactors previous, float[] y, float[][] productGram, Params p) {
    int rank = p.rank();
    float[] f = previous.factors().clone();
    ConjugateGradient cg = new ConjugateGradient(rank);
    for (int u = 0; u < b.users.length; u++) {
      cg.improve(f, u * rank, y, b.productOfRow, b.ratingOfRow, b.userStart[u], b.userStart[u + 1], productGram, p,
          p.cgSteps());
    }
    return new BlockFactors(f, BroadcastAls.gram(f, b.users.length, rank));
  }
}
