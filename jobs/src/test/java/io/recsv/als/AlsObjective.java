package io.recsv.als;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.recsv.lineage.RunLayout;
import java.util.List;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The objective ALS minimises, evaluated for a fitted model on its interactions: how two solvers are compared
 * (the same objective after the same iterations). Implicit (Hu, Koren, Volinsky 2008, with MLlib's confidence
 * 1 + alpha |r| and preference r &gt; 0):
 * {@code sum over all (u, i) of c_ui (p_ui - x_u.y_i)^2 + lambda (sum_u n_u |x_u|^2 + sum_i n_i |y_i|^2)}, with
 * c = 1 for the pairs without a rating and n the count of positive ratings (MLlib's scaling). The sum over all
 * pairs is {@code trace(X^T X Y^T Y)} plus the rated pairs' corrections, so nothing of size users x products is
 * made. Explicit: {@code sum over rated (u, i) of (r - x_u.y_i)^2} plus the same regularization.
 */
public final class AlsObjective {

  private AlsObjective() {}

  public static double of(Dataset<Row> interactions, ALSModel model, double regParam, double alpha,
      boolean implicit) {
    Dataset<Row> users = model.userFactors().toDF("u", "xu");
    Dataset<Row> items = model.itemFactors().toDF("i", "yi");
    Dataset<Row> rated = interactions
        .select(col(RunLayout.USER_INDEX).as("u"), col(RunLayout.PRODUCT_INDEX).as("i"),
            col(RunLayout.WEIGHT).cast("double").as("r"))
        .join(users, "u").join(items, "i")
        .withColumn("s", expr("aggregate(zip_with(xu, yi, (a, b) -> cast(a as double) * b), 0D, (acc, v) -> acc + v)"));
    Column positive = col("r").gt(0);
    Column loss;
    if (implicit) {
      Column c = lit(1.0).plus(lit(alpha).multiply(abs(col("r"))));
      Column p = when(positive, 1.0).otherwise(0.0);
      // The rated pair's own term, minus the c = 1, p = 0 term the trace already counts for it.
      loss = c.multiply(pow(p.minus(col("s")), 2)).minus(pow(col("s"), 2));
    } else {
      loss = pow(col("r").minus(col("s")), 2);
    }
    double data = rated.agg(sum(loss)).first().getDouble(0);
    if (implicit) {
      data += trace(gram(model.userFactors()), gram(model.itemFactors()));
    }
    Column counted = implicit ? positive : lit(true);
    double reg = regularization(rated, users, "u", "xu", counted) + regularization(rated, items, "i", "yi", counted);
    return data + regParam * reg;
  }

  /** sum over ids of n (count of counted ratings) x |factor|^2. */
  private static double regularization(Dataset<Row> rated, Dataset<Row> factors, String id, String factor,
      Column counted) {
    Row r = rated.groupBy(id).agg(count(when(counted, 1)).as("n")).join(factors, id)
        .select(sum(col("n").multiply(expr("aggregate(" + factor + ", 0D, (acc, v) -> acc + cast(v as double) * v)"))))
        .first();
    return r.isNullAt(0) ? 0 : r.getDouble(0);
  }

  private static double[] gram(Dataset<Row> factors) {
    return factors.javaRDD().map(row -> {
      List<Float> f = row.getList(1);
      int k = f.size();
      double[] g = new double[k * k];
      for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++) {
          g[a * k + b] = (double) f.get(a) * f.get(b);
        }
      }
      return g;
    }).reduce((a, b) -> {
      for (int i = 0; i < a.length; i++) {
        a[i] += b[i];
      }
      return a;
    });
  }

  private static double trace(double[] xtx, double[] yty) {
    double t = 0;
    for (int i = 0; i < xtx.length; i++) {
      t += xtx[i] * yty[i];
    }
    return t;
  }
}
