package io.recsv.als;

import io.recsv.als.BroadcastAls.BlockFactors;
import io.recsv.als.BroadcastAls.Params;
import io.recsv.als.BroadcastAls.Solved;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * {@code train.solver = exact}: each user's and product's normal equation formed and solved by Cholesky, as MLlib.
 * A product's equation is summed from every block's part of it (a k x k matrix per product and block).
 */
final class ExactHalfSteps implements HalfSteps {

  /** Each iteration's users come from the cached blocks and a broadcast only: the lineage does not grow. */
  @Override
  public boolean fromPrevious() {
    return false;
  }

  /**
   * Products from users, partial normal equations per (product, block), summed per product and solved; implicit,
   * every block's share of the users' Gram matrix goes with them to every partition, so the users' half-step, the
   * Gram matrix and the products' partial sums are one stage (one Spark job an iteration, no driver round trip).
   */
  @Override
  public Solved products(SparkSession spark, JavaRDD<UserBlock> userBlocks, JavaRDD<BlockFactors> users,
      Partitioner byProduct, Solved previous, Broadcast<float[]> previousBroadcast, Params params) {
    int blocks = params.blocks();
    int partitions = byProduct.numPartitions();
    int products = previous.present().length;
    List<Tuple2<Integer, float[]>> solved = userBlocks.zipPartitions(users, (b, x) -> {
          UserBlock block = b.next();
          BlockFactors f = x.next();
          Iterator<Tuple2<Long, float[]>> sums = new ProductSums(block, f.factors(), params);
          if (!params.implicit()) {
            return sums;
          }
          return concat(grams(f.gram(), block.index, partitions).iterator(), sums);
        }).mapToPair(t -> t)
        .repartitionAndSortWithinPartitions(byProduct)
        .mapPartitions(sorted -> solveSorted(sorted, blocks, params))
        .collect();
    float[] factors = new float[products * params.rank()];
    boolean[] present = new boolean[products];
    for (Tuple2<Integer, float[]> t : solved) {
      System.arraycopy(t._2(), 0, factors, t._1() * params.rank(), params.rank());
      present[t._1()] = true;
    }
    return new Solved(factors, present);
  }

  /** A block's users' Gram matrix, one copy for each partition of the products ({@link KeyPartitioner#gram}). */
  private static List<Tuple2<Long, float[]>> grams(double[][] gram, int block, int partitions) {
    float[] packed = NormalEquation.packGram(gram);
    List<Tuple2<Long, float[]>> out = new ArrayList<>(partitions);
    for (int partition = 0; partition < partitions; partition++) {
      out.add(new Tuple2<>(KeyPartitioner.gram(partition, block, partitions), packed));
    }
    return out;
  }

  /** {@code first}'s records, then {@code then}'s. */
  private static <T> Iterator<T> concat(Iterator<T> first, Iterator<T> then) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return first.hasNext() || then.hasNext();
      }

      @Override
      public T next() {
        return first.hasNext() ? first.next() : then.next();
      }
    };
  }

  /**
   * A reduce partition's records, sorted by key: the blocks' Gram matrices first (implicit; the last block first),
   * then the partial sums (product, then block), summed per product and solved.
   */
  private static Iterator<Tuple2<Integer, float[]>> solveSorted(Iterator<Tuple2<Long, float[]>> sorted, int blocks,
      Params p) {
    List<Tuple2<Integer, float[]>> out = new ArrayList<>();
    NormalEquation ne = new NormalEquation(p.rank());
    double[][] userGram = p.implicit() ? NormalEquation.zeroTriangle(p.rank()) : null;
    long current = -1;
    while (sorted.hasNext()) {
      Tuple2<Long, float[]> t = sorted.next();
      if (t._1() < 0) {
        NormalEquation.addPackedGram(userGram, t._2());
        continue;
      }
      long product = t._1() / blocks;
      if (product != current && current >= 0) {
        out.add(solve(ne, (int) current, userGram, p));
      }
      current = product;
      ne.merge(t._2());
    }
    if (current >= 0) {
      out.add(solve(ne, (int) current, userGram, p));
    }
    return out.iterator();
  }

  private static Tuple2<Integer, float[]> solve(NormalEquation ne, int product, double[][] userGram, Params p) {
    if (userGram != null) {
      ne.addGram(userGram);
    }
    float[] f = new float[p.rank()];
    ne.solve(p.regParam(), f, 0, "product", product);
    return new Tuple2<>(product, f);
  }

  @Override
  public JavaRDD<BlockFactors> users(JavaRDD<UserBlock> blocks, JavaRDD<BlockFactors> previous,
      Broadcast<float[]> y, double[][] productGram, int iteration, Params p) {
    return blocks.map(b -> users(b, y.value(), productGram, p));
  }

  /** A block's users from the product factors. */
  static BlockFactors users(UserBlock b, float[] y, double[][] productGram, Params p) {
    int rank = p.rank();
    float[] f = new float[b.users.length * rank];
    NormalEquation ne = new NormalEquation(rank);
    NormalEquation.Batch batch = new NormalEquation.Batch(rank);
    for (int u = 0; u < b.users.length; u++) {
      for (int r = b.userStart[u]; r < b.userStart[u + 1]; r++) {
        p.observe(ne.sums, y, b.productOfRow[r] * rank, b.ratingOfRow[r], batch);
      }
      batch.flush(ne.sums);
      if (productGram != null) {
        ne.addGram(productGram);
      }
      ne.solve(p.regParam(), f, u * rank, "user", b.users[u]);
    }
    return new BlockFactors(f, BroadcastAls.gram(f, b.users.length, rank));
  }
}
