package io.recsv.testing;

import io.recsv.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;

/** The test data that lives outside the repository, in {@code shared/} beside it (not copied into git). */
public final class SharedData {

  private SharedData() {}

  /** Apache Spark's sample ratings ({@code user::item::rating::ts}, 1,501 lines). */
  public static Path movieLensSample() {
    Path sample = TestSpark.repoRoot().resolve("../shared/data/sample_movielens_ratings.txt").normalize();
    if (!Files.isRegularFile(sample)) {
      throw new IllegalStateException("missing test data: " + sample + " (shared/ must be a sibling of the"
          + " repository, holding data/sample_movielens_ratings.txt: Apache Spark's"
          + " data/mllib/als/sample_movielens_ratings.txt)");
    }
    return sample;
  }
}
