package io.recsv.workflow;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The quality gate's verdict on a week, as the evaluate stage writes it ({@code evaluate/gate.properties}):
 * whether to publish, the verdict (pass, fail, forced, off) and why. The workflow's gate action and the local
 * launcher read it here, so both decide alike.
 */
public record GateVerdict(boolean publish, String verdict, String reason) {

  /** Oozie keeps at most 2 KB of an action's output (oozie.action.max.output.data); the reason gets most. */
  static final int MAX_REASON = 1500;

  public static GateVerdict read(Configuration conf, String file) throws IOException {
    Path path = new Path(file);
    Properties p = new Properties();
    try (InputStream in = path.getFileSystem(conf).open(path)) {
      p.load(in);
    } catch (FileNotFoundException e) {
      throw new IOException("no quality gate verdict at " + file + ": the evaluate stage of this run has not"
          + " published (run it first)", e);
    }
    String publish = p.getProperty("publish");
    if (publish == null || p.getProperty("verdict") == null) {
      throw new IOException(file + " is not a gate verdict (no 'publish' or 'verdict')");
    }
    return new GateVerdict(Boolean.parseBoolean(publish), p.getProperty("verdict"), p.getProperty("reason", ""));
  }

  /** As Oozie's capture-output reads it: publish, verdict, reason (cut to fit Oozie's limit). */
  void writeActionOutput(OutputStream out) throws IOException {
    Properties p = new Properties();
    p.setProperty("publish", String.valueOf(publish));
    p.setProperty("verdict", verdict);
    p.setProperty("reason", reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason);
    p.store(out, "recsv gate");
  }
}
