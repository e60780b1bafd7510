package io.recsv.als;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recsv.config.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.SparkSession;

/**
 * Train's model as MLlib's {@code ALSModel.save} writes it and {@code ALSModel.load} reads it: {@code metadata/} (one
 * line of JSON: the class, its uid, rank and params), {@code userFactors/} and {@code itemFactors/} (Parquet,
 * {@link FactorFrames#FACTORS}).
 * <ul>
 *   <li>Read: {@code ALSModel.load} reads the one line with a Spark job, infers each table's schema with another and
 *       sets the params by Scala reflection: about a second and a half of a score process (docs/results.md). Here
 *       the line is one read on the driver, the schema is known, and the model is read as a {@link FactorModel}
 *       (an {@code ALSModel} only for MLlib's scorer); what it holds is the same.</li>
 *   <li>Written: MLlib writes the line with a Spark job and the tables with Parquet's dictionary encoding, which
 *       factors never profit from (every one is another float): each column's dictionary takes every value, fills
 *       and is dropped, a large part of the tables' writing (docs/results.md). Here the line is one write from the
 *       driver and the tables are written plain; {@code ALSModel.load} reads them as its own.</li>
 * </ul>
 */
public final class SavedModel {

  static final String CLASS = ALSModel.class.getName();

  private SavedModel() {}

  /** {@code model} at {@code path} (which must not exist), as {@code model.write().save(path)} would. */
  public static void write(SparkSession spark, ALSModel model, String path) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode metadata = json.createObjectNode();
    metadata.put("class", CLASS);
    metadata.put("timestamp", System.currentTimeMillis());
    metadata.put("sparkVersion", spark.version());
    metadata.put("uid", model.uid());
    ObjectNode set = metadata.putObject("paramMap");
    ObjectNode defaults = metadata.putObject("defaultParamMap");
    for (Param<?> param : model.params()) {
      if (model.isSet(param)) {
        set.set(param.name(), json.readTree(encoded(param, model.get(param).get())));
      }
      if (model.hasDefault(param)) {
        defaults.set(param.name(), json.readTree(encoded(param, model.getDefault(param).get())));
      }
    }
    metadata.put("rank", model.rank());
    Path line = new Path(new Path(path, "metadata"), "part-00000");
    try (FSDataOutputStream out = line.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(line, false)) {
      out.write((json.writeValueAsString(metadata) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    model.userFactors().write().option("parquet.enable.dictionary", false).parquet(new Path(path, "userFactors")
        .toString());
    model.itemFactors().write().option("parquet.enable.dictionary", false).parquet(new Path(path, "itemFactors")
        .toString());
  }

  @SuppressWarnings("unchecked")
  private static <T> String encoded(Param<T> param, Object value) {
    return param.jsonEncode((T) value);
  }

  /** The model at {@code path}, as {@code ALSModel.load} would read it (its {@link FactorModel#toAls}). */
  public static FactorModel read(SparkSession spark, String path) throws IOException {
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
    JsonNode params = json.path("paramMap");
    return new FactorModel(json.get("uid").asText(), json.get("rank").asInt(),
        spark.read().schema(FactorFrames.FACTORS).parquet(new Path(path, "userFactors").toString()),
        spark.read().schema(FactorFrames.FACTORS).parquet(new Path(path, "itemFactors").toString()),
        params.path("userCol").isTextual() ? params.get("userCol").asText() : null,
        params.path("itemCol").isTextual() ? params.get("itemCol").asText() : null);
  }
}
