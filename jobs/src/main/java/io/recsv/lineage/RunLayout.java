package io.recsv.lineage;

import io.recsv.fs.PathGuard;

import io.recsv.workflow.StageName;
import com.typesafe.config.Config;
import io.recsv.config.Settings;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Where a run's datasets live, built once from the validated config: the run's directory
 * ({@code run.root/run.id}), each stage's output directory and the datasets in it, the lock, and the published
 * CSV. Stages read their inputs and publish their outputs through it, so no stage needs another stage's class
 * to know where its input lies.
 * <p>A run id is a safe name (letters, digits, {@code - _ .}, never {@code ..}), and every stage directory must
 * lie inside the run's directory: a stage replaces its directory whole, so a directory outside the run would be
 * someone else's data.
 */
public final class RunLayout {

  /** The stages that own a directory of the run (all but merge, which publishes the CSV), each at {@code <id>.output}. */
  private static final List<StageName> STAGES_WITH_DIRS = List.of(StageName.PREPARE, StageName.EVALUATE,
      StageName.TRAIN, StageName.SCORE, StageName.EXPORT);

  /** Column names of the datasets that stages exchange. */
  public static final String USER_ID = "user_id";
  public static final String PRODUCT_ID = "product_id";
  public static final String USER_INDEX = "user_index";
  public static final String PRODUCT_INDEX = "product_index";
  public static final String WEIGHT = "weight";
  /** prepare's interactions: the latest time of a (user, product) pair, when the input has times. */
  public static final String TIME = "last_time";
  public static final String RANK = "rank";
  public static final String SCORE = "score";
  public static final String RAW_SCORE = "raw_score";

  /** The datasets inside the stages' directories. */
  public static final String INTERACTIONS = "interactions";
  public static final String USERS = "users";
  public static final String PRODUCTS = "products";
  public static final String MODEL = "model";
  public static final String TOP = "top";
  public static final String METRICS = "metrics.json";

  /** prepare's interactions: one row per (user, product) pair; last_time only when the input has times. */
  public static StructType interactionsSchema(boolean withTime) {
    StructType schema = new StructType().add(USER_INDEX, DataTypes.IntegerType, false)
        .add(PRODUCT_INDEX, DataTypes.IntegerType, false).add(WEIGHT, DataTypes.FloatType, false);
    return withTime ? schema.add(TIME, DataTypes.LongType, false) : schema;
  }

  /** prepare's users: the dictionary from the input's user ids to the dense indices the other datasets use. */
  public static StructType usersSchema() {
    return new StructType().add(USER_ID, DataTypes.LongType, false).add(USER_INDEX, DataTypes.IntegerType, false);
  }

  /** prepare's products: as users; a product's index is its rank among the product ids, ascending. */
  public static StructType productsSchema() {
    return new StructType().add(PRODUCT_ID, DataTypes.LongType, false)
        .add(PRODUCT_INDEX, DataTypes.IntegerType, false);
  }

  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final String LOCK_FILE = "_recsv.lock";

  private final String runId;
  private final Path runRoot;
  private final Path runDir;
  private final Map<StageName, Path> stageDirs = new java.util.EnumMap<>(StageName.class);
  private final Path checkpoints;
  private final Path published;
  private final Path outputRoot;
  private final boolean overwrite;

  private RunLayout(Settings s) {
    runId = s.requiredString("run.id");
    if (!RUN_ID.matcher(runId).matches() || runId.contains("..")) {
      throw s.bad("run.id", "must be 1 to 128 letters, digits, '-', '_' or '.', start with a letter or digit"
          + " and not contain '..' (it names a directory)");
    }
    runRoot = new Path(s.requiredString("run.root"));
    runDir = new Path(s.requiredString("run.dir"));
    requireInside(s, "run.dir", runDir, runRoot, "run.root");
    for (StageName stage : STAGES_WITH_DIRS) {
      String key = stage.id() + ".output";
      Path dir = new Path(s.requiredString(key));
      requireInside(s, key, dir, runDir, "the run's directory");
      stageDirs.put(stage, dir);
    }
    checkpoints = new Path(s.requiredString("train.checkpoint-dir"));
    requireInside(s, "train.checkpoint-dir", checkpoints, runDir, "the run's directory");
    published = new Path(s.requiredString("merge.output"));
    outputRoot = new Path(s.requiredString("merge.output-root"));
    requireInside(s, "merge.output", published, outputRoot, "merge.output-root");
    overwrite = s.bool("merge.overwrite");
  }

  public static RunLayout of(Config config) {
    return new RunLayout(new Settings(config));
  }

  /** Lexically, after Hadoop's normalization of {@code .} and {@code ..}: the symlink-proof check is PathGuard's. */
  private static void requireInside(Settings s, String key, Path path, Path parent, String parentName) {
    if (!PathGuard.isStrictlyInside(path, parent)) {
      throw s.bad(key, "must lie inside " + parentName + " " + parent);
    }
  }

  public String runId() {
    return runId;
  }

  public Path runDir() {
    return runDir;
  }

  /** Where every run's directory lies (run.root). */
  public Path runRoot() {
    return runRoot;
  }

  /** The directory a stage publishes whole (prepare, evaluate, train, score, export). */
  public Path stageDir(StageName stage) {
    Path dir = stageDirs.get(stage);
    if (dir == null) {
      throw new IllegalArgumentException("no directory for stage " + stage);
    }
    return dir;
  }

  /** Every stage's output directory, by stage, in the pipeline's order. */
  public Map<StageName, Path> stageDirs() {
    return java.util.Collections.unmodifiableMap(stageDirs);
  }

  public Path lock() {
    return new Path(runDir, LOCK_FILE);
  }

  public Path checkpoints() {
    return checkpoints;
  }

  /** prepare: (user_index, product_index, weight). */
  public Path interactions() {
    return new Path(stageDir(StageName.PREPARE), INTERACTIONS);
  }

  /** prepare: (user_id, user_index). */
  public Path users() {
    return new Path(stageDir(StageName.PREPARE), USERS);
  }

  /** prepare: (product_id, product_index). */
  public Path products() {
    return new Path(stageDir(StageName.PREPARE), PRODUCTS);
  }

  /** train: the ALSModel. */
  public Path model() {
    return new Path(stageDir(StageName.TRAIN), MODEL);
  }

  /** score: (user_index, product_index, rank, score, raw_score). */
  public Path top() {
    return new Path(stageDir(StageName.SCORE), TOP);
  }

  /** evaluate: the holdout metrics, the training settings it chose and the gate's verdict. */
  public Path metrics() {
    return new Path(stageDir(StageName.EVALUATE), METRICS);
  }

  /** export: parts/ and manifest.json. */
  public Path exportDir() {
    return stageDir(StageName.EXPORT);
  }

  /** The CSV merge publishes. */
  public Path published() {
    return published;
  }

  public Path outputRoot() {
    return outputRoot;
  }

  public boolean overwrite() {
    return overwrite;
  }
}
