package io.recsv.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import io.recsv.config.UserError;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareJobTest {

  @TempDir
  Path work;

  private final SparkSession spark = TestSpark.get();

  private Path input(String text) throws Exception {
    Path p = work.resolve("in.csv");
    Files.writeString(p, text);
    return p;
  }

  /** The error prepare stops with on this input. */
  private UserError refused(Path in) {
    return assertThrows(UserError.class,
        () -> new PrepareJob(TestSpark.config(work, "prepare.input=" + in)).run(spark));
  }

  private Map<Long, Integer> dictionary(String name, String id, String index) {
    Map<Long, Integer> map = new HashMap<>();
    for (Row r : spark.read().parquet(work.resolve("test/prepare/" + name).toString()).collectAsList()) {
      map.put(r.getAs(id), r.getAs(index));
    }
    return map;
  }

  @Test
  void timesAreKeptAsEachPairsLatestAndABadOneIsNamedWithItsLine() throws Exception {
    Path in = input("user_id,product_id,weight,timestamp\n1,10,1,1700000000\n1,10,2,1700000500\n1,11,1,1600000000\n"
        + "2,10,1,1650000000\n");
    new PrepareJob(TestSpark.config(work, "prepare.input=" + in, "prepare.columns.timestamp=timestamp")).run(spark);
    Map<Long, Integer> users = dictionary("users", "user_id", "user_index");
    Map<Long, Integer> products = dictionary("products", "product_id", "product_index");
    Map<String, Long> latest = new HashMap<>();
    for (Row r : spark.read().parquet(work.resolve("test/prepare/interactions").toString()).collectAsList()) {
      latest.put(r.getInt(r.fieldIndex("user_index")) + "/" + r.getInt(r.fieldIndex("product_index")),
          r.getLong(r.fieldIndex("last_time")));
    }
    assertEquals(Map.of(users.get(1L) + "/" + products.get(10L), 1700000500L, users.get(1L) + "/" + products.get(11L),
        1600000000L, users.get(2L) + "/" + products.get(10L), 1650000000L), latest);

    Path bad = input("user_id,product_id,weight,timestamp\n1,10,1,1700000000\n1,11,1,yesterday\n");
    UserError e = assertThrows(UserError.class, () -> new PrepareJob(TestSpark.config(work, "prepare.input=" + bad,
        "prepare.columns.timestamp=timestamp")).run(spark));
    assertTrue(e.getMessage().contains("line 3: timestamp 'yesterday' is not a whole number"), e.getMessage());
  }

  @Test
  void sixtyFourBitIdsGetDenseIndicesProductsInIdOrderAndDuplicatesAreSummed() throws Exception {
    Path in = input("user_id,product_id,weight,timestamp\n"
        + "9223372036854775807,4294967296,1,100\n"
        + "-5,4294967296,2,100\n"
        + "3000000000,7,1.5,100\n"
        + "3000000000,7,2.5,101\n"
        + "0,-9223372036854775808,1,100\n");
    new PrepareJob(TestSpark.config(work, "prepare.input=" + in)).run(spark);

    Map<Long, Integer> users = dictionary("users", "user_id", "user_index");
    assertEquals(Set.of(-5L, 0L, 3000000000L, Long.MAX_VALUE), users.keySet());
    assertEquals(Set.of(0, 1, 2, 3), Set.copyOf(users.values()), "dense: " + users);
    Map<Long, Integer> products = dictionary("products", "product_id", "product_index");
    assertEquals(Map.of(Long.MIN_VALUE, 0, 7L, 1, 4294967296L, 2), products);

    List<Row> pairs = spark.read().parquet(work.resolve("test/prepare/interactions").toString())
        .orderBy("user_index", "product_index").collectAsList();
    assertEquals(4, pairs.size(), "the duplicate (3000000000, 7) pair is combined");
    Row combined = pairs.stream().filter(r -> (int) r.getAs("user_index") == users.get(3000000000L)).findFirst()
        .orElseThrow();
    assertEquals(4.0f, (float) combined.getAs("weight"), 1e-6);
  }

  @Test
  void eachAggregateCombinesAPairsRowsWhereverTheyAreInTheInput() throws Exception {
    // (1, 10) three times, apart; (2, 10) twice; (1, 11) once.
    assertAggregates(input("user_id,product_id,weight,timestamp\n1,10,1,100\n2,10,2,50\n1,11,5,70\n1,10,3,300\n"
        + "2,10,2,60\n1,10,2,200\n"));
  }

  @Test
  void splitsAnywhereInAFileGiveTheSamePairsAndTheLineOfABadRow() throws Exception {
    // Hadoop's text input format cuts files into splits (a block each on HDFS); here every 8 bytes, so that a
    // pair's rows, the header and a bad line land in different map tasks. Windows line ends and blank lines too.
    String text = "user_id,product_id,weight,timestamp\r\n1,10,1,100\r\n\r\n2,10,2,50\n   \n1,11,5,70\n"
        + "1,10,3,300\n2,10,2,60\n1,10,2,200\n";
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String splitSize = "mapreduce.input.fileinputformat.split.maxsize";
    hadoop.set(splitSize, "8");
    try {
      assertAggregates(input(text));
      UserError e = refused(input(text + "3,4,1,9\n5,6,x,1\n1,2,3,4\n"));
      assertTrue(e.getMessage().contains("in.csv line 11: weight 'x' is not a finite number (1 invalid row"),
          e.getMessage());
    } finally {
      hadoop.unset(splitSize);
    }
  }

  /** SUM, MAX and COUNT of the rows {@link #eachAggregateCombinesAPairsRowsWhereverTheyAreInTheInput} has. */
  private void assertAggregates(Path in) throws Exception {
    Map<String, Map<String, Float>> expected = Map.of(
        "sum", Map.of("1/10", 6f, "1/11", 5f, "2/10", 4f),
        "max", Map.of("1/10", 3f, "1/11", 5f, "2/10", 2f),
        "count", Map.of("1/10", 3f, "1/11", 1f, "2/10", 2f));
    for (Map.Entry<String, Map<String, Float>> e : expected.entrySet()) {
      new PrepareJob(TestSpark.config(work, "prepare.input=" + in, "prepare.columns.timestamp=timestamp",
          "prepare.aggregate=" + e.getKey())).run(spark);
      Map<Integer, Long> users = invert(dictionary("users", "user_id", "user_index"));
      Map<Integer, Long> products = invert(dictionary("products", "product_id", "product_index"));
      Map<String, Float> weights = new HashMap<>();
      Map<String, Long> times = new HashMap<>();
      for (Row r : spark.read().parquet(work.resolve("test/prepare/interactions").toString()).collectAsList()) {
        String pair = users.get(r.<Integer>getAs("user_index")) + "/" + products.get(r.<Integer>getAs("product_index"));
        weights.put(pair, r.getAs("weight"));
        times.put(pair, r.getAs("last_time"));
      }
      assertEquals(e.getValue(), weights, "prepare.aggregate=" + e.getKey());
      assertEquals(Map.of("1/10", 300L, "1/11", 70L, "2/10", 60L), times, "each pair's latest time");
    }
  }

  private static Map<Integer, Long> invert(Map<Long, Integer> dictionary) {
    Map<Integer, Long> inverted = new HashMap<>();
    dictionary.forEach((id, index) -> inverted.put(index, id));
    assertEquals(dictionary.size(), inverted.size(), "one id per index");
    return inverted;
  }

  @Test
  void indicesAreDeterministicAcrossRuns() throws Exception {
    StringBuilder text = new StringBuilder("user_id,product_id,weight\n");
    for (int i = 0; i < 500; i++) {
      text.append((long) i * 7_919_000_003L % 1_000_000_007_000L).append(',').append(i % 37).append(",1\n");
    }
    Path in = input(text.toString());
    new PrepareJob(TestSpark.config(work, "prepare.input=" + in)).run(spark);
    Map<Long, Integer> first = dictionary("users", "user_id", "user_index");
    new PrepareJob(TestSpark.config(work, "prepare.input=" + in)).run(spark);
    assertEquals(first, dictionary("users", "user_id", "user_index"));
    assertEquals(500, first.size());
    assertEquals(499, first.values().stream().mapToInt(Integer::intValue).max().orElseThrow());
  }

  @Test
  void invalidIdFailsNamingFileLineAndValueAndWritesNothing() throws Exception {
    Path in = input("user_id,product_id,weight\n1,2,1\n3,4,1\n5,abc,1\n6,12.5,1\n");
    UserError e = refused(in);
    assertTrue(e.getMessage().contains("in.csv line 4"), e.getMessage());
    assertTrue(e.getMessage().contains("product_id 'abc' is not a 64-bit integer"), e.getMessage());
    assertTrue(e.getMessage().contains("2 invalid rows"), e.getMessage());
    assertFalse(Files.exists(work.resolve("test/prepare")), "no partial output");
    assertFalse(Files.exists(work.resolve("test/prepare._writing")), "nothing left half-written");
  }

  @Test
  void theInputIsReadOnce() throws Exception {
    StringBuilder text = new StringBuilder("user_id,product_id,weight\n");
    int rows = 3_000;
    for (int i = 0; i < rows; i++) {
      text.append(i % 101).append(',').append(i % 53).append(",1\n");
    }
    Path in = input(text.toString());
    LongAdder recordsRead = new LongAdder();
    SparkListener listener = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
          recordsRead.add(end.taskMetrics().inputMetrics().recordsRead());
        }
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      new PrepareJob(TestSpark.config(work, "prepare.input=" + in)).run(spark);
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    // The CSV once (and its header line per file, for the column names); after it only the cached blocks, a
    // record each per read. A second pass over the CSV would add another 3,000; reading an output back, 5,000.
    long read = recordsRead.sum();
    assertTrue(read >= rows && read < rows + 100, "records read: " + read);
  }

  @Test
  void anInputOfManySmallFilesIsReadByAFewTasksWithTheSamePairsAndTheLineOfABadRow() throws Exception {
    // 60 files with a header each, every user's rows spread over many of them.
    StringBuilder whole = new StringBuilder("user_id,product_id,weight\n");
    for (int f = 0; f < 60; f++) {
      StringBuilder part = new StringBuilder("user_id,product_id,weight\n");
      for (int i = 0; i < 20; i++) {
        String row = (f * 7 + i) % 31 + "," + (f + 3 * i) % 17 + "," + (1 + i % 4) + "\n";
        part.append(row);
        whole.append(row);
      }
      file("many/part-" + f + ".csv", part.toString().getBytes(StandardCharsets.UTF_8));
    }
    // What Spark and Hadoop skip is skipped: names starting with _ or ., below too.
    file("many/_SUCCESS", "not a CSV".getBytes(StandardCharsets.UTF_8));
    file("many/.staging/part-0.csv", "user_id,product_id,weight\n1,x,1\n".getBytes(StandardCharsets.UTF_8));
    file("many/sub/_tmp/part-0.csv", "user_id,product_id,weight\n1,x,1\n".getBytes(StandardCharsets.UTF_8));
    Path many = work.resolve("many");
    // Per stage: its tasks that read records, and the records.
    Map<Integer, long[]> reads = new ConcurrentHashMap<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        long records = end.taskMetrics() == null ? 0 : end.taskMetrics().inputMetrics().recordsRead();
        if (records > 0) {
          long[] r = reads.computeIfAbsent(end.stageId(), id -> new long[2]);
          synchronized (r) {
            r[0]++;
            r[1] += records;
          }
        }
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      new PrepareJob(TestSpark.config(work, "prepare.input=" + many)).run(spark);
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    // The stage that reads the CSV (every line, headers too; the stages after it read cached blocks, a record
    // each): a task per core (60 files of 0.2 KiB are far below a block), not one per file.
    long[] csv = reads.values().stream().max(Comparator.comparingLong(r -> r[1])).orElseThrow();
    assertEquals(60 * 21, csv[1], "the CSV's lines read");
    int cores = spark.sparkContext().defaultParallelism();
    assertTrue(csv[0] <= cores, csv[0] + " tasks read the 60 files, " + cores + " cores");
    Map<String, Float> fromMany = weightsByIds();

    new PrepareJob(TestSpark.config(work, "prepare.input=" + input(whole.toString()))).run(spark);
    assertEquals(weightsByIds(), fromMany, "the same pairs from one file");

    file("many/part-40.csv", "user_id,product_id,weight\n1,2,3\n4,x,1\n".getBytes(StandardCharsets.UTF_8));
    UserError e = refused(many);
    assertTrue(e.getMessage().contains("part-40.csv line 3: product_id 'x'"), e.getMessage());
  }

  /** Prepare's pairs as "user id/product id" to their weight. */
  private Map<String, Float> weightsByIds() {
    Map<Integer, Long> users = invert(dictionary("users", "user_id", "user_index"));
    Map<Integer, Long> products = invert(dictionary("products", "product_id", "product_index"));
    Map<String, Float> weights = new HashMap<>();
    for (Row r : spark.read().parquet(work.resolve("test/prepare/interactions").toString()).collectAsList()) {
      weights.put(users.get(r.<Integer>getAs("user_index")) + "/" + products.get(r.<Integer>getAs("product_index")),
          r.getAs("weight"));
    }
    return weights;
  }

  @Test
  void idBeyondLongRangeAndBadWeightAreRefused() throws Exception {
    Path in = input("user_id,product_id,weight\n1,99999999999999999999,1\n");
    UserError e = refused(in);
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    // What Spark's cast alone would take: a '+', a fraction (it truncates "7.0" to 7), an exponent, a hex id.
    for (String id : List.of("+5", "7.0", "7.", "1e3", "0x10", "--5", "-")) {
      UserError bad = refused(input("user_id,product_id,weight\n1,2,1\n" + id + ",3,1\n"));
      assertTrue(bad.getMessage().contains("line 3: user_id '" + id + "' is not a 64-bit integer"), bad.getMessage());
    }
    assertEquals(List.of(-5L, 5L), userIds("user_id,product_id,weight\n 5 ,3,1\n-5,3,1\n"), "spaces around an id");
    Path in2 = input("user_id,product_id,weight\n1,2,NaN\n1,3,\n");
    UserError e2 = refused(in2);
    assertTrue(e2.getMessage().contains("weight") && e2.getMessage().contains("line 2"), e2.getMessage());
  }

  /** The user ids of prepare's dictionary from {@code text} (which must pass), ascending. */
  private List<Long> userIds(String text) throws Exception {
    new PrepareJob(TestSpark.config(work, "prepare.input=" + input(text))).run(spark);
    return dictionary("users", "user_id", "user_index").keySet().stream().sorted().toList();
  }

  @Test
  void missingColumnNamesTheColumnsFound() throws Exception {
    Path in = input("user,item,weight\n1,2,1\n");
    UserError e = refused(in);
    assertTrue(e.getMessage().contains("no column 'user_id'") && e.getMessage().contains("user,item,weight"),
        e.getMessage());
  }

  @Test
  void headerlessMultiCharacterDelimiterAndParquetInputs() throws Exception {
    Path in = input("10::20::3::1424380312\n10::21::1::1424380312\n11::20::2::1424380312\n");
    new PrepareJob(TestSpark.config(work, "prepare.input=" + in, "prepare.csv.header=false",
        "prepare.csv.delimiter=::")).run(spark);
    assertEquals(3, spark.read().parquet(work.resolve("test/prepare/interactions").toString()).count());

    Path parquet = work.resolve("in.parquet");
    spark.sql("SELECT CAST(id AS BIGINT) AS user_id, CAST(id % 3 AS BIGINT) AS product_id FROM range(10)")
        .write().parquet(parquet.toString());
    new PrepareJob(TestSpark.config(work, "prepare.input=" + parquet, "prepare.format=parquet",
        "prepare.columns.weight=")).run(spark);
    assertEquals(10, spark.read().parquet(work.resolve("test/prepare/interactions").toString()).count());
    assertEquals(3, spark.read().parquet(work.resolve("test/prepare/products").toString()).count());
  }

  private Path file(String name, byte[] bytes) throws Exception {
    Path p = work.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
    return p;
  }

  private void assertNothingWritten() {
    assertFalse(Files.exists(work.resolve("test/prepare")), "no partial output");
    assertFalse(Files.exists(work.resolve("test/prepare._writing")), "nothing left half-written");
  }

  @Test
  void aFileWhoseHeaderListsTheColumnsInAnotherOrderIsRefusedNamingIt() throws Exception {
    file("in/a.csv", "user_id,product_id,weight\n1,2,1\n".getBytes(StandardCharsets.UTF_8));
    file("in/b.csv", "product_id,user_id,weight\n7,8,1\n".getBytes(StandardCharsets.UTF_8));
    UserError e = refused(work.resolve("in"));
    assertTrue(e.getMessage().contains("in/b.csv: its header (product_id, user_id, weight) differs from the first"
        + " file's (user_id, product_id, weight)"), e.getMessage());
    assertNothingWritten();
  }

  @Test
  void aRowWithMoreOrFewerFieldsThanTheHeaderIsRefusedWithItsLine() throws Exception {
    UserError more = refused(input("user_id,product_id,weight\n1,2,1\n3,4,1,9\n5,6,1\n"));
    assertTrue(more.getMessage().contains("in.csv line 3: the row has 4 fields, not the header's 3"
        + " (user_id,product_id,weight): '3,4,1,9' (1 invalid row"), more.getMessage());
    UserError fewer = refused(file("fewer.csv", "user_id,product_id,weight,timestamp\n1,2,1,5\n1,2,1,5\n3,4,1\n"
        .getBytes(StandardCharsets.UTF_8)));
    assertTrue(fewer.getMessage().contains("fewer.csv line 4: the row has 3 fields, not the header's 4"),
        fewer.getMessage());
    assertNothingWritten();
  }

  @Test
  void weightsMustFitTheFloatThatAlsStoresThemAs() throws Exception {
    UserError one = refused(input("user_id,product_id,weight\n1,2,1\n3,4,1e39\n"));
    assertTrue(one.getMessage().contains("in.csv line 3: weight '1e39' is beyond the range of the 32-bit float"),
        one.getMessage());
    UserError sum = refused(file("sum.csv", "user_id,product_id,weight\n5,6,3e38\n1,2,1\n5,6,3e38\n"
        .getBytes(StandardCharsets.UTF_8)));
    assertTrue(sum.getMessage().contains("user_id 5, product_id 6: the weights of this pair add up to 6.0E38"),
        sum.getMessage());
    assertNothingWritten();
  }

  @Test
  void anInputWithNoRowsIsAClearErrorAndPublishesNothing() throws Exception {
    UserError e = refused(input("user_id,product_id,weight\n"));
    assertTrue(e.getMessage().contains("has no interactions (1 file, 26 bytes: only a header?); nothing was"
        + " written"), e.getMessage());
    assertNothingWritten();
  }

  @Test
  void aMissingOrEmptyInputIsRefusedBeforeSparkReadsAnything() throws Exception {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    Path missing = work.resolve("nope.csv");
    UserError gone = assertThrows(UserError.class,
        () -> new PrepareJob(TestSpark.config(work, "prepare.input=" + missing)).preflight(conf));
    assertEquals("prepare.input " + missing + " does not exist", gone.getMessage());
    Path empty = file("empty/part-0.csv", new byte[0]);
    UserError nothing = assertThrows(UserError.class,
        () -> new PrepareJob(TestSpark.config(work, "prepare.input=" + empty.getParent())).preflight(conf));
    assertEquals("prepare.input " + empty.getParent() + " is empty (1 file, 0 bytes)", nothing.getMessage());
  }

  @Test
  void gzipByteOrderMarkAndQuotedInputsKeepTheirLineNumbers() throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write("user_id,product_id,weight\n1,2,1\n3,x,1\n".getBytes(StandardCharsets.UTF_8));
    }
    UserError gzip = refused(file("g/in.csv.gz", gz.toByteArray()));
    assertTrue(gzip.getMessage().contains("in.csv.gz line 3: product_id 'x'"), gzip.getMessage());
    UserError bom = refused(file("b/in.csv", "\uFEFFuser_id,product_id,weight\n1,2,1\n3,x,1\n"
        .getBytes(StandardCharsets.UTF_8)));
    assertTrue(bom.getMessage().contains("b/in.csv line 3: product_id 'x'"), bom.getMessage());
    UserError quoted = refused(file("q/in.csv", "user_id,product_id,weight\n\"1\",\"2\",\"1\"\n\"3\",\"x\",\"1\"\n"
        .getBytes(StandardCharsets.UTF_8)));
    assertTrue(quoted.getMessage().contains("q/in.csv line 3: product_id 'x'"), quoted.getMessage());
  }
}
