package io.recsv.als;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsv.config.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.SparkSession;

/**
 * Train's model read as MLlib's {@code ALSModel.save} writes it: {@code metadata/} (one line of JSON: the class,
 * its uid, rank and columns), {@code userFactors/} and {@code itemFactors/} (Parquet, {@link FactorFrames#FACTORS}).
 * {@code ALSModel.load} reads the one line with a Spark job, infers each table's schema with another and sets the
 * params by Scala reflection: about a second and a half of a score process (docs/results.md). Here the line is
 * one read on the driver and the schema is known; what the model holds is the same.
 */
public final class SavedModel {

  static final String CLASS = ALSModel.class.getName();

  private SavedModel() {}

  public static ALSModel read(SparkSession spark, String path) throws IOException {
    Path metadata = new Path(new Path(path, "metadata"), "part-00000");
    JsonNode json;
    try (FSDataInputStream in = metadata.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(metadata);
         BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line = lines.readLine();
      json = line == null ? null : new ObjectMapper().readTree(line);
    }
    if (json == null || !CLASS.equals(json.path("class").asText()) || !json.path("uid").isTextual()
        || !json.path("rank").canConvertToInt() || json.path("rank").asInt() < 1) {
      throw new UserError(metadata + " is not the metadata of an ALS model (its class, uid and rank); rerun from"
          + " 'train'");
    }
    ALSModel model = new ALSModel(json.get("uid").asText(), json.get("rank").asInt(),
        spark.read().schema(FactorFrames.FACTORS).parquet(new Path(path, "userFactors").toString()),
        spark.read().schema(FactorFrames.FACTORS).parquet(new Path(path, "itemFactors").toString()));
    JsonNode params = json.path("paramMap");
    if (params.path("userCol").isTextual()) {
      model.setUserCol(params.get("userCol").asText());
    }
    if (params.path("itemCol").isTextual()) {
      model.setItemCol(params.get("itemCol").asText());
    }
    return model;
  }
}
