package io.recsv.als;

import static org.apache.spark.sql.functions.col;

import io.recsv.common.RunLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * {@code train.method = recsv}: MLlib's ALS objective (implicit: Hu, Koren and Volinsky 2008; explicit: ALS-WR; both
 * with MLlib's regularization, lambda times the user's or product's count of positive ratings), solved the same
 * way, alternating exact least squares, with the data laid out for a catalogue that fits in memory:
 * <ul>
 *   <li>the interactions are split once into blocks of users, each held by user and by product (cached);</li>
 *   <li>users from products: the product factors are broadcast, every block solves its users where it is, no
 *       shuffle at all;</li>
 *   <li>products from users: every block sums, for each of its products, the part of the product's normal
 *       equation its users make (a k x k matrix, not one vector per rating as MLlib sends), the parts are shuffled
 *       to the product's partition, summed in block order (deterministic) and solved; the solved product factors
 *       (products x rank floats) come back to the driver, to be broadcast.</li>
 * </ul>
 * The lineage does not grow: each iteration's user factors depend on the cached blocks and a broadcast only, so no
 * checkpoint is needed. Memory per task: a block's interactions (24 bytes each) and its users' factors
 * (4 x rank bytes each) grow with users; the broadcast product factors (4 x rank bytes per product) and the
 * per-product partial sums (8 x (rank x (rank + 1) / 2 + rank + 1) bytes per product of the partition, spilled by
 * Spark's shuffle when short of memory) grow with products. On the driver: the product factors only.
 */
public final class BroadcastAls {

  private static final Logger LOG = LogManager.getLogger(BroadcastAls.class);

  /** The settings that shape the solution (the same as MLlib's) and the number of user blocks. */
  public record Params(int rank, int maxIter, double regParam, double alpha, boolean implicit, long seed,
      int blocks) implements java.io.Serializable {

    /** MLlib's ALS.computeFactors, for one rating of the factor at {@code offset}, into the equation's sums. */
    void observe(NormalEquation.Sums sums, float[] factors, int offset, float rating, NormalEquation.Batch batch) {
      if (implicit) {
        double c1 = alpha * Math.abs(rating);
        batch.add(sums, factors, offset, c1, rating > 0 ? 1 + c1 : 0, rating > 0);
      } else {
        batch.add(sums, factors, offset, 1, rating, true);
      }
    }
  }

  /** A block's user factors (user-major, rank floats each) and their Gram matrix X^T X (upper, by columns). */
  record BlockFactors(float[] factors, double[][] gram) implements java.io.Serializable {}

  private final Params p;
  private int products;

  public BroadcastAls(Params params) {
    this.p = params;
  }

  /** The product index space of the last {@link #fit}: the largest product index + 1. */
  public int products() {
    return products;
  }

  /** Bytes of the broadcast product factors for {@code products} (dense indices 0 .. products - 1). */
  public static long broadcastBytes(long products, int rank) {
    return products * rank * 4L;
  }

  /**
   * The model, or null when the product factors (prepare's dense indices: the largest + 1, times rank floats) would
   * exceed {@code maxBroadcastBytes}; {@link #products} then says how many there are.
   */
  public ALSModel fit(SparkSession spark, Dataset<Row> interactions, long maxBroadcastBytes) {
    int rank = p.rank();
    int blocks = p.blocks();
    JavaRDD<UserBlock> userBlocks = interactions
        .select(col(RunLayout.USER_INDEX).cast("int"), col(RunLayout.PRODUCT_INDEX).cast("int"),
            col(RunLayout.WEIGHT).cast("float"))
        // Spark's own rows, read in place (not converted to external Rows one by one), shuffled as chunks.
        .queryExecution().toRdd().toJavaRDD()
        .mapPartitionsToPair(rows -> RatingChunk.split(rows, blocks))
        .partitionBy(new KeyPartitioner(blocks, 1))
        .values()
        .mapPartitionsWithIndex((i, chunks) -> Collections.singletonList(UserBlock.of(i, chunks, rank)).iterator(),
            true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    // One pass over the blocks: how many products there are, and how many (product, block) partial sums.
    long[] sizes = userBlocks.map(b -> new long[] {b.products.length == 0 ? 0 : b.products[b.products.length - 1] + 1L,
        b.products.length}).reduce((a, b) -> new long[] {Math.max(a[0], b[0]), a[1] + b[1]});
    products = (int) sizes[0];
    long partials = sizes[1];
    if (broadcastBytes(products, rank) > maxBroadcastBytes) {
      userBlocks.unpersist(false);
      return null;
    }
    // Reduce partitions for the products' partial sums: about 128 MiB of them each, at least one per block.
    int productParts = (int) Math.max(blocks,
        Math.min(products, partials * NormalEquation.length(rank) * 8 / (128L << 20) + 1));
    Partitioner byProduct = new KeyPartitioner(productParts, blocks);

    long seed = p.seed();
    JavaRDD<BlockFactors> users = userBlocks.map(b -> initial(b, rank, seed)).persist(StorageLevel.MEMORY_AND_DISK());
    Broadcast<float[]> productFactors = null;
    Solved solved = null;
    for (int iteration = 1; iteration <= p.maxIter(); iteration++) {
      long started = System.nanoTime();
      double[][] userGram = p.implicit() ? users.map(BlockFactors::gram).reduce(BroadcastAls::sum) : null;
      solved = solveProducts(userBlocks, users, userGram, byProduct, products);
      LOG.debug(String.format("train: iteration %d of %d: users then products solved in %.2f s", iteration,
          p.maxIter(), (System.nanoTime() - started) / 1e9));
      users.unpersist(false);
      if (productFactors != null) {
        productFactors.destroy();
      }
      productFactors = spark.sparkContext().broadcast(solved.factors(),
          scala.reflect.ClassTag$.MODULE$.apply(float[].class));
      Broadcast<float[]> y = productFactors;
      double[][] productGram = p.implicit() ? gram(solved.factors(), products, rank) : null;
      Params params = p;
      users = userBlocks.map(b -> solveUsers(b, y.value(), productGram, params))
          .persist(StorageLevel.MEMORY_AND_DISK());
    }
    Dataset<Row> userFactors = FactorFrames.users(spark, userBlocks, users, rank);
    Dataset<Row> itemFactors = FactorFrames.products(spark, solved.present(), solved.factors(), rank);
    users.unpersist(false);
    userBlocks.unpersist(false);
    // Not destroyed: the user factors' lineage names it (Spark would recompute them from it after a lost block).
    productFactors.unpersist(false);
    ALSModel model = new ALSModel(Identifiable.randomUID("als"), rank, userFactors, itemFactors);
    return model.setUserCol(RunLayout.USER_INDEX).setItemCol(RunLayout.PRODUCT_INDEX);
  }

  /** As MLlib: Gaussian, scaled to unit length; seeded per user, so the same for any number of blocks. */
  private static BlockFactors initial(UserBlock b, int rank, long seed) {
    float[] f = new float[b.users.length * rank];
    for (int u = 0; u < b.users.length; u++) {
      SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + b.users[u]);
      double norm = 0;
      for (int i = 0; i < rank; i++) {
        f[u * rank + i] = (float) random.nextGaussian();
        norm += f[u * rank + i] * f[u * rank + i];
      }
      float scale = (float) (1 / Math.sqrt(norm));
      for (int i = 0; i < rank; i++) {
        f[u * rank + i] *= scale;
      }
    }
    return new BlockFactors(f, gram(f, b.users.length, rank));
  }

  /** Products from users: partial normal equations per (product, block), summed per product in block order. */
  /** The product factors (products x rank, zero where a product has none) and which products have them. */
  private record Solved(float[] factors, boolean[] present) {}

  private Solved solveProducts(JavaRDD<UserBlock> userBlocks, JavaRDD<BlockFactors> users, double[][] userGram,
      Partitioner byProduct, int products) {
    Params params = p;
    int blocks = params.blocks();
    JavaPairRDD<Long, float[]> parts = userBlocks.zipPartitions(users,
        (b, x) -> new ProductSums(b.next(), x.next().factors(), params)).mapToPair(t -> t);
    List<Tuple2<Integer, float[]>> solved = parts.repartitionAndSortWithinPartitions(byProduct)
        .mapPartitions(sorted -> solveSorted(sorted, blocks, userGram, params))
        .collect();
    float[] factors = new float[products * params.rank()];
    boolean[] present = new boolean[products];
    for (Tuple2<Integer, float[]> t : solved) {
      System.arraycopy(t._2(), 0, factors, t._1() * params.rank(), params.rank());
      present[t._1()] = true;
    }
    return new Solved(factors, present);
  }

  private static Iterator<Tuple2<Integer, float[]>> solveSorted(Iterator<Tuple2<Long, float[]>> sorted, int blocks,
      double[][] userGram, Params p) {
    List<Tuple2<Integer, float[]>> out = new ArrayList<>();
    NormalEquation ne = new NormalEquation(p.rank());
    long current = -1;
    while (sorted.hasNext()) {
      Tuple2<Long, float[]> t = sorted.next();
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

  /** Users from the broadcast product factors, where the block is: no shuffle. */
  private static BlockFactors solveUsers(UserBlock b, float[] y, double[][] productGram, Params p) {
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
    return new BlockFactors(f, gram(f, b.users.length, rank));
  }

  /** X^T X of n factors (rows of {@code rank} floats), upper triangle by columns. */
  static double[][] gram(float[] f, int n, int rank) {
    NormalEquation.Sums sums = new NormalEquation.Sums(rank);
    NormalEquation.Batch batch = new NormalEquation.Batch(rank);
    for (int i = 0; i < n; i++) {
      batch.add(sums, f, i * rank, 1, 0, false);
    }
    batch.flush(sums);
    return sums.triangle();
  }

  private static double[][] sum(double[][] a, double[][] b) {
    double[][] s = new double[a.length][];
    for (int j = 0; j < a.length; j++) {
      s[j] = a[j].clone();
      for (int i = 0; i < s[j].length; i++) {
        s[j][i] += b[j][i];
      }
    }
    return s;
  }
}
