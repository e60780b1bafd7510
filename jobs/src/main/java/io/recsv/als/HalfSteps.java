package io.recsv.als;

import io.recsv.als.BroadcastAls.BlockFactors;
import io.recsv.als.BroadcastAls.Params;
import io.recsv.als.BroadcastAls.Solved;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * A solver of {@link BroadcastAls}: how one iteration's two half-steps improve the factors. Chosen once, by
 * {@link BroadcastAls.Solver}; the alternation, the caching and the broadcasts are {@link BroadcastAls}'s.
 */
interface HalfSteps {

  /**
   * Whether the new user factors are computed from the previous ones (not from the products' alone): then those
   * stay cached until the new ones are, and the lineage grows, so it is checkpointed every
   * {@code checkpointInterval} iterations.
   */
  boolean fromPrevious();

  /**
   * The product factors from the users' (implicit: with the users' Gram matrix, the sum of every block's {@link
   * BlockFactors#gram}, which the solver gathers where it needs it). {@code previous}: the last iteration's products
   * (zero at first), whose broadcast {@code previousBroadcast} the users were solved from (null in the first
   * iteration).
   */
  Solved products(SparkSession spark, JavaRDD<UserBlock> blocks, JavaRDD<BlockFactors> users, Partitioner byProduct,
      Solved previous, Broadcast<float[]> previousBroadcast, Params p);

  /**
   * The user factors from the broadcast product factors {@code y} (and its Gram matrix, implicit only), where each
   * block is: no shuffle. Lazy; {@link BroadcastAls} caches them.
   */
  JavaRDD<BlockFactors> users(JavaRDD<UserBlock> blocks, JavaRDD<BlockFactors> previous, Broadcast<float[]> y,
      double[][] productGram, int iteration, Params p);
}
