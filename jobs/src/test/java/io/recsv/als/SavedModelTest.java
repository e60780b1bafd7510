package io.recsv.als;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import io.recsv.config.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model MLlib saved, read without {@code ALSModel.load}: the same model; metadata of anything else refused. A model
 * written here, loaded by MLlib: the same model.
 */
class SavedModelTest {

  @TempDir
  Path dir;

  private final SparkSession spark = TestSpark.get();

  @Test
  void theModelMllibSavedIsTheModelItLoads() throws Exception {
    String path = dir.resolve("model").toString();
    fit(path);

    ALSModel loaded = ALSModel.load(path);
    ALSModel read = SavedModel.read(spark, path).toAls();

    assertEquals(loaded.uid(), read.uid());
    assertEquals(loaded.rank(), read.rank());
    assertEquals("u", read.getUserCol());
    assertEquals("p", read.getItemCol());
    assertSameFactors(loaded, read);
    assertEquals(0, loaded.recommendForAllUsers(5).exceptAll(read.recommendForAllUsers(5)).count());
  }

  @Test
  void theModelWrittenHereIsTheModelMllibLoads() throws Exception {
    ALSModel fitted = fit(dir.resolve("mllib").toString());
    String path = dir.resolve("model").toString();

    SavedModel.write(spark, fitted, path);
    ALSModel loaded = ALSModel.load(path);

    assertEquals(fitted.uid(), loaded.uid());
    assertEquals(fitted.rank(), loaded.rank());
    assertEquals(fitted.extractParamMap().toString(), loaded.extractParamMap().toString());
    assertSameFactors(fitted, loaded);
    assertThrows(IOException.class, () -> SavedModel.write(spark, fitted, path), "an existing model is not replaced");
  }

  @Test
  void metadataOfAnotherKindIsRefusedNamingTheFile() throws Exception {
    Path metadata = Files.createDirectories(dir.resolve("other/metadata"));
    Files.writeString(metadata.resolve("part-00000"),
        "{\"class\":\"org.apache.spark.ml.feature.StringIndexerModel\",\"uid\":\"x\",\"paramMap\":{}}\n");

    UserError e = assertThrows(UserError.class, () -> SavedModel.read(spark, dir.resolve("other").toString()));

    assertTrue(e.getMessage().contains(metadata.resolve("part-00000").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("rerun from 'train'"), e.getMessage());
  }

  /** A small model fitted by MLlib and saved by it at {@code path}. */
  private ALSModel fit(String path) throws IOException {
    Random random = new Random(9);
    List<Row> ratings = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      ratings.add(RowFactory.create(random.nextInt(50), random.nextInt(30), 1f + random.nextInt(5)));
    }
    Dataset<Row> frame = spark.createDataFrame(ratings, new StructType().add("u", DataTypes.IntegerType)
        .add("p", DataTypes.IntegerType).add("r", DataTypes.FloatType));
    ALSModel model = new ALS().setRank(3).setMaxIter(2).setUserCol("u").setItemCol("p").setRatingCol("r")
        .setSeed(1).fit(frame);
    model.write().save(path);
    return model;
  }

  private static void assertSameFactors(ALSModel expected, ALSModel actual) {
    for (String side : new String[] {"user", "item"}) {
      Dataset<Row> theirs = side.equals("user") ? expected.userFactors() : expected.itemFactors();
      Dataset<Row> ours = side.equals("user") ? actual.userFactors() : actual.itemFactors();
      assertEquals(theirs.count(), ours.count(), side);
      assertEquals(0, theirs.exceptAll(ours).count(), side + " factors");
      assertEquals(0, ours.exceptAll(theirs).count(), side + " factors");
    }
  }
}
