package io.recsv.oozie;

import io.recsv.ops.OozieOps;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.oozie.CoordinatorEngine;
import org.apache.oozie.DagEngine;
import org.apache.oozie.LocalOozieClient;
import org.apache.oozie.LocalOozieClientCoord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What every engine test starts from: Oozie's server in this JVM with the application deployed, and the ways a
 * test talks to it as {@code ./recsv oozie} does.
 */
abstract class EngineTest {

  static final DateTimeFormatter OOZIE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'")
      .withZone(ZoneOffset.UTC);
  static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

  static OozieServer oozie;
  static Path app;

  @BeforeAll
  static void startOozie() throws Exception {
    oozie = new OozieServer();
    app = oozie.deploy();
  }

  @AfterAll
  static void stopOozie() {
    oozie.close();
  }

  /** {@code ./recsv oozie}'s operations on this engine, through Oozie's in-process clients. */
  static OozieOps ops(PrintStream out) {
    String user = System.getProperty("user.name");
    return new OozieOps(new LocalOozieClientCoord(new CoordinatorEngine(user)),
        new LocalOozieClient(new DagEngine(user)), out);
  }

  static OozieOps ops() {
    return ops(new PrintStream(java.io.OutputStream.nullOutputStream()));
  }

  /**
   * job.properties for weeks from {@code start} to {@code end}, with input, work and output under {@code data},
   * plus {@code extra}; resolved as an operator's submission would be.
   */
  static Properties weeks(Path appPath, Path data, Instant start, Instant end, Map<String, String> extra)
      throws Exception {
    Map<String, String> values = new HashMap<>(Map.of("startTime", OOZIE_TIME.format(start), "endTime",
        OOZIE_TIME.format(end), "inputRoot", "file://" + data.resolve("interactions"), "runRoot",
        "file://" + data.resolve("work"), "outputRoot", "file://" + data.resolve("published")));
    values.putAll(extra);
    Configuration conf = OozieServer.jobProperties(appPath, values);
    Properties job = new Properties();
    conf.forEach(e -> job.setProperty(e.getKey(), conf.get(e.getKey())));
    return job;
  }
}
