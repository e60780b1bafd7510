package io.recsv.als;

import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An ALS model as the scorers read it: its rank and its two factor tables ({@link FactorFrames#FACTORS}), and
 * MLlib's {@code ALSModel} made from them for MLlib's scorer only. An {@code ALSModel} is made with Scala
 * reflection (its prediction function), most of a second in a fresh JVM (docs/results.md), which the blocked
 * scorer has no use for.
 *
 * @param userCol MLlib's user column, null for MLlib's default
 * @param itemCol MLlib's item column, null for MLlib's default
 */
public record FactorModel(String uid, int rank, Dataset<Row> userFactors, Dataset<Row> itemFactors, String userCol,
    String itemCol) {

  public static FactorModel of(ALSModel model) {
    return new FactorModel(model.uid(), model.rank(), model.userFactors(), model.itemFactors(), model.getUserCol(),
        model.getItemCol());
  }

  /** The same model as MLlib's. */
  public ALSModel toAls() {
    ALSModel model = new ALSModel(uid, rank, userFactors, itemFactors);
    if (userCol != null) {
      model.setUserCol(userCol);
    }
    if (itemCol != null) {
      model.setItemCol(itemCol);
    }
    return model;
  }
}
