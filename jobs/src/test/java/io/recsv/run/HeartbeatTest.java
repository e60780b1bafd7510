package io.recsv.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.spark.api.java.function.ForeachFunction;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** A stage that runs longer than the heartbeat says what Spark is doing, in plain lines. */
class HeartbeatTest {

  @Test
  void aJobLongerThanTheHeartbeatShowsItsTasks() throws Exception {
    SparkSession spark = TestSpark.get();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Heartbeat beat = Heartbeat.start(spark, "train", Duration.ofMillis(200),
        new PrintStream(out, true, StandardCharsets.UTF_8))) {
      // A shuffle first, so that the slow tasks read rows (from it) that their metrics count.
      spark.range(0, 8, 1, 8).repartition(8).foreach((ForeachFunction<Long>) x -> Thread.sleep(400));
    }
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertTrue(lines.size() >= 3, "a line every 200 ms for over a second: " + lines);
    assertTrue(lines.stream().allMatch(l -> l.startsWith("[train] ")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.matches("\\[train] \\d+s: Spark job \\d+, stage \\d+: \\d/8 tasks"
        + "(, ~\\d+s left in it)?(; [\\d,]+ rows read \\([\\d,]+ rows/s\\))? \\(\\d Spark jobs? done in this stage\\)")),
        lines.toString());
    // Once a task is done: how long the Spark stage has left, and the rows read so far (8 by the map side, then 8
    // from the shuffle).
    assertTrue(lines.stream().anyMatch(l -> l.matches(".*: [1-7]/8 tasks, ~\\d+s left in it; \\d+ rows read .*")),
        lines.toString());
  }

  @Test
  void zeroMeansSilent() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Heartbeat beat = Heartbeat.start(TestSpark.get(), "train", Duration.ZERO, new PrintStream(out))) {
      Thread.sleep(300);
    }
    assertTrue(out.size() == 0);
  }
}
