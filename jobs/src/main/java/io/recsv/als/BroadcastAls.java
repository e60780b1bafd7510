package io.recsv.als;

import static org.apache.spark.sql.functions.col;

import io.recsv.lineage.RunLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code train.method = recsv}: MLlib's ALS objective (implicit: Hu, Koren and Volinsky 2008; explicit: ALS-WR; both
 * with MLlib's regularization, lambda times the user's or product's count of positive ratings), alternating between
 * users and products as MLlib does, with the data laid out for a catalogue that fits in memory:
 * <ul>
 *   <li>the interactions are split once into blocks of users, each held by user and by product (cached);</li>
 *   <li>users from products: the product factors are broadcast, every block solves its users where it is, no
 *       shuffle at all;</li>
 *   <li>products from users: every block adds, for each of its products, the part of the product's problem its
 *       users make, the parts are shuffled to the product's partition and summed in block order (deterministic);
 *       the product factors (products x rank floats) come back to the driver, to be broadcast. The users' Gram
 *       matrix (implicit) is the solver's to gather: exact sends each block's with its parts, so that an
 *       iteration is one Spark job.</li>
 * </ul>
 * Each problem is solved by {@link Solver}: exact (a product's part is its normal equation, a k x k matrix, not one
 * vector per rating as MLlib sends) or cg (a few steps of conjugate gradient from the last iteration's factors;
 * a product's part is k floats per step, each step a pass over the blocks).
 *
 * <p>Lineage: exact's user factors depend on the cached blocks and a broadcast only, so it does not grow; cg's
 * depend on the previous iteration's too, and are checkpointed every {@code checkpointInterval} iterations. Memory
 * per task: a block's interactions (24 bytes each) and its users' factors (4 x rank bytes each) grow with users;
 * the broadcast product factors (4 x rank bytes per product) and the per-product partial sums (exact: 4 x (rank x
 * (rank + 1) / 2 + rank + 1) bytes per product of the partition, spilled by Spark's shuffle when short of memory;
 * cg: 4 x (rank + 1)) grow with products. On the driver: the product factors (exact) and, for cg, the steps'
 * vectors, 3 more arrays of that size; nothing that grows with users.
 */
public final class BroadcastAls {

  private static final Logger LOG = LogManager.getLogger(BroadcastAls.class);

  /** How the least-squares problems of a half-step are solved: the solver, chosen once. */
  public enum Solver {
    /** The normal equation formed and factored (Cholesky), as MLlib. */
    EXACT(new ExactHalfSteps()),
    /** A few steps of conjugate gradient from the previous iteration's factors ({@link ConjugateGradient}). */
    CG(new CgHalfSteps());

    private final HalfSteps halfSteps;

    Solver(HalfSteps halfSteps) {
      this.halfSteps = halfSteps;
    }
  }

  /**
   * The settings that shape the solution (the same as MLlib's), the number of user blocks, the solver (with its
   * steps per problem for cg) and, for cg, how often the user factors are checkpointed (their lineage grows).
   */
  public record Params(int rank, int maxIter, double regParam, double alpha, boolean implicit, long seed,
      int blocks, Solver solver, int cgSteps, int checkpointInterval) implements java.io.Serializable {

    /** A row's weight in A, as MLlib's ALS.computeFactors: implicit alpha |r| (beyond the Gram matrix), else 1. */
    double weight(float rating) {
      return implicit ? alpha * Math.abs(rating) : 1;
    }

    /** A row's weight in b: implicit 1 + alpha |r| for a positive rating (its preference is 1), else r itself. */
    double target(float rating) {
      return implicit ? (rating > 0 ? 1 + alpha * Math.abs(rating) : 0) : rating;
    }

    /** Whether a row counts for the regularization (MLlib: implicit, the positive ratings; explicit, all). */
    boolean counted(float rating) {
      return !implicit || rating > 0;
    }

    /** The row of the factor at {@code offset}, into the equation's sums. */
    void observe(NormalEquation.Sums sums, float[] factors, int offset, float rating, NormalEquation.Batch batch) {
      batch.add(sums, factors, offset, weight(rating), target(rating), counted(rating));
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
   * exceed {@code maxBroadcastBytes}; {@link #products} then says how many there are. cg checkpoints the user
   * factors into {@code checkpointDir}.
   */
  public ALSModel fit(SparkSession spark, Dataset<Row> interactions, long maxBroadcastBytes, String checkpointDir) {
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
        .mapPartitionsWithIndex((i, chunks) ->
            Collections.singletonList(UserBlock.of(i, chunks, blocks, rank)).iterator(), true)
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
    HalfSteps steps = p.solver().halfSteps;
    if (steps.fromPrevious()) {
      spark.sparkContext().setCheckpointDir(checkpointDir);
    }

    long seed = p.seed();
    JavaRDD<BlockFactors> users = userBlocks.map(b -> initial(b, rank, seed)).persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<BlockFactors> previousUsers = null;
    // cg starts the products from zero; each iteration then from the one before.
    Solved solved = new Solved(new float[products * rank], new boolean[products]);
    // The broadcasts the user factors' lineage names: kept until it no longer does.
    List<Broadcast<float[]>> inLineage = new ArrayList<>();
    for (int iteration = 1; iteration <= p.maxIter(); iteration++) {
      long started = System.nanoTime();
      solved = steps.products(spark, userBlocks, users, byProduct, solved,
          inLineage.isEmpty() ? null : inLineage.get(inLineage.size() - 1), p);
      LOG.debug(String.format("train: iteration %d of %d: the users and then the products in %.2f s", iteration,
          p.maxIter(), (System.nanoTime() - started) / 1e9));
      // The user factors are materialized now (the products came from them): what they came from can go.
      if (previousUsers != null) {
        previousUsers.unpersist(false);
      }
      if (!steps.fromPrevious() || users.rdd().isCheckpointed()) {
        inLineage.forEach(Broadcast::destroy);
        inLineage.clear();
      }
      Broadcast<float[]> y = broadcast(spark, solved.factors());
      inLineage.add(y);
      double[][] productGram = p.implicit() ? gram(solved.factors(), products, rank) : null;
      JavaRDD<BlockFactors> next = steps.users(userBlocks, users, y, productGram, iteration, p);
      if (steps.fromPrevious()) {
        previousUsers = users;
      } else {
        users.unpersist(false);
      }
      users = next.persist(StorageLevel.MEMORY_AND_DISK());
    }
    Dataset<Row> userFactors = FactorFrames.users(spark, userBlocks, users, rank);
    Dataset<Row> itemFactors = FactorFrames.products(spark, solved.present(), solved.factors(), rank);
    if (previousUsers != null) {
      previousUsers.unpersist(false);
    }
    users.unpersist(false);
    userBlocks.unpersist(false);
    // Not destroyed: the user factors' lineage names them (Spark would recompute them from it after a lost block).
    inLineage.forEach(b -> b.unpersist(false));
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

  /** The product factors (products x rank, zero where a product has none) and which products have them. */
  record Solved(float[] factors, boolean[] present) {}

  /** Factors for every executor: the product factors, or cg's search directions. */
  static Broadcast<float[]> broadcast(SparkSession spark, float[] factors) {
    return spark.sparkContext().broadcast(factors, scala.reflect.ClassTag$.MODULE$.apply(float[].class));
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

  /**
   * The users' Gram matrix X^T X (upper, by columns), the blocks' summed on the driver in block order (a Spark job).
   * Not by Spark's {@code reduce}, which adds the tasks' results in the order they finish: the last bits of the sum,
   * and so of the factors, would depend on it.
   */
  static double[][] userGram(JavaRDD<BlockFactors> users) {
    return users.map(BlockFactors::gram).collect().stream().reduce(BroadcastAls::sum).orElseThrow();
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
