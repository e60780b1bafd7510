package io.recsv.als;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/** The fitted factors as MLlib's ALSModel holds them: (id int, features array of floats) per user and product. */
final class FactorFrames {

  /** The factor tables' schema, as MLlib writes and reads them. */
  static final StructType FACTORS = new StructType()
      .add("id", DataTypes.IntegerType, false)
      .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), true);

  private FactorFrames() {}

  /**
   * As MLlib's model has them: (id, features), cached (as MLlib keeps its final factors). Spark's own rows, each
   * vector a primitive array: a {@code Row} of a {@code float[]} is converted element by element, boxed, when the
   * model is written.
   */
  static Dataset<Row> users(SparkSession spark, JavaRDD<UserBlock> userBlocks,
      JavaRDD<BroadcastAls.BlockFactors> users, int rank) {
    JavaRDD<InternalRow> rows = userBlocks.zip(users).flatMap(t -> {
      List<InternalRow> out = new ArrayList<>(t._1().users.length);
      for (int u = 0; u < t._1().users.length; u++) {
        out.add(row(t._1().users[u], Arrays.copyOfRange(t._2().factors(), u * rank, (u + 1) * rank)));
      }
      return out.iterator();
    });
    // Cached as rows (not as a DataFrame's columnar cache, which takes longer to build than the rows themselves).
    rows.persist(StorageLevel.MEMORY_AND_DISK()).count();
    return spark.internalCreateDataFrame(rows.rdd(), FACTORS, false);
  }

  private static InternalRow row(int id, float[] features) {
    return new GenericInternalRow(new Object[] {id, UnsafeArrayData.fromPrimitiveArray(features)});
  }

  /**
   * The products that have interactions (as MLlib's model: a product without any has no factors), in slices of
   * about 256 KiB: a dataset of local rows would ship all of them inside every task that reads it (Spark warns
   * from 1 MiB: 20,000 products at rank 16), however many products there are.
   */
  static Dataset<Row> products(SparkSession spark, boolean[] present, float[] y, int rank) {
    List<InternalRow> rows = new ArrayList<>();
    for (int i = 0; i < present.length; i++) {
      if (present[i]) {
        rows.add(row(i, Arrays.copyOfRange(y, i * rank, (i + 1) * rank)));
      }
    }
    long bytes = rows.size() * (4L * rank + 16);
    int slices = (int) Math.max(1, Math.min(rows.size(), bytes / (256 << 10) + 1));
    return spark.internalCreateDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(rows, slices).rdd(), FACTORS, false);
  }
}
