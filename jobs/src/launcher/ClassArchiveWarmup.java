import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What class-archive.sh runs to fill the JVM's class archive: the parts of Spark, Hadoop and Scala every stage
 * loads (a local session, Parquet and CSV written and read, a shuffle, an aggregation, a join, generated code, a
 * broadcast, MLlib's ALS model). Run from source (java's source-file mode), so that none of its classes, and none
 * of recsv's, are in the archive: the archive then names only dependency jars, and stays valid when recsv's own
 * jar is rebuilt. No lambdas: a class compiled in memory cannot be deserialized by Spark's tasks.
 */
public class ClassArchiveWarmup {
  public static void main(String[] args) {
    String dir = args[0];
    SparkSession spark = SparkSession.builder().master("local[2]").appName("recsv-class-archive")
        .config("spark.ui.enabled", false).config("spark.sql.shuffle.partitions", 2)
        .config("spark.driver.host", "127.0.0.1").getOrCreate();
    StructType schema = new StructType().add("user", DataTypes.IntegerType).add("product", DataTypes.IntegerType)
        .add("weight", DataTypes.FloatType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      rows.add(RowFactory.create(i % 37, i % 11, (float) i));
    }
    spark.createDataFrame(rows, schema).write().parquet(dir + "/pairs");
    Dataset<Row> pairs = spark.read().parquet(dir + "/pairs");
    pairs.groupBy("user").agg(collect_list("product"), sum("weight")).join(pairs, "user")
        .write().parquet(dir + "/joined");
    spark.read().parquet(dir + "/joined").select(explode(array(col("user"), col("product")))).count();
    pairs.repartition(3, col("user")).javaRDD().count();
    pairs.write().csv(dir + "/csv");
    spark.read().option("header", false).csv(dir + "/csv").count();
    spark.sparkContext().broadcast(new float[16], scala.reflect.ClassTag$.MODULE$.apply(float[].class)).value();
    new ALSModel("als", 1, pairs, pairs).rank();
    spark.stop();
  }
}
