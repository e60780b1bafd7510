package io.recsv.workflow;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The quality gate's verdict on a week, as the evaluate stage writes it ({@code evaluate/gate.properties}): the
 * verdict and why, and the one rule of publishing ({@link #mayPublish}) that the jobs' publish gate and the
 * workflow's decision node apply.
 */
public record GateVerdict(Verdict verdict, String reason) {

  /** The file in evaluate's output that holds it. */
  public static final String FILE = "gate.properties";

  /** Oozie keeps at most 2 KB of an action's output (oozie.action.max.output.data); the reason gets most. */
  static final int MAX_REASON = 1500;

  /** What the gate concluded. */
  public enum Verdict {
    /** Every rule passed (or none could judge). */
    PASS,
    /** A rule failed: the week is not published, unless on-call forces it. */
    FAIL,
    /** The gate is switched off (evaluate.gate.enabled = false). */
    OFF;

    /** Whether a week with this verdict is published (without forcing). */
    public boolean publishes() {
      return this != FAIL;
    }

    /** "pass", ...: as the files and the report spell it. */
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Verdict of(String id) {
      for (Verdict v : values()) {
        if (v.toString().equals(id)) {
          return v;
        }
      }
      throw new IllegalArgumentException("not a gate verdict: '" + id + "' (pass, fail, off)");
    }
  }

  /** Whether the week may be published: its verdict lets it, or on-call forces it ({@code force}). */
  public boolean mayPublish(boolean force) {
    return verdict.publishes() || force;
  }

  public static GateVerdict read(Configuration conf, String file) throws IOException {
    Path path = new Path(file);
    Properties p = new Properties();
    try (InputStream in = path.getFileSystem(conf).open(path)) {
      p.load(in);
    } catch (FileNotFoundException e) {
      throw new IOException("no quality gate verdict at " + file + ": the evaluate stage of this run has not"
          + " published (run it first)", e);
    }
    Verdict verdict;
    try {
      verdict = Verdict.of(p.getProperty("verdict"));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is not a gate verdict: " + e.getMessage(), e);
    }
    if (!String.valueOf(verdict.publishes()).equals(p.getProperty("publish"))) {
      throw new IOException(file + " is not a gate verdict: 'publish' is '" + p.getProperty("publish")
          + "' with the verdict '" + verdict + "'");
    }
    return new GateVerdict(verdict, p.getProperty("reason", ""));
  }

  /**
   * The file evaluate publishes: the verdict, {@code publish} (what the workflow's decision node reads, without a
   * parser of its own), and the reason.
   */
  public void write(OutputStream out) throws IOException {
    properties(reason).store(out, "recsv evaluate: the quality gate's verdict");
  }

  /** As Oozie's capture-output reads it: publish, verdict, reason (cut to fit Oozie's limit). */
  void writeActionOutput(OutputStream out) throws IOException {
    properties(reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason)
        .store(out, "recsv gate");
  }

  private Properties properties(String why) {
    Properties p = new Properties();
    p.setProperty("publish", String.valueOf(verdict.publishes()));
    p.setProperty("verdict", verdict.toString());
    p.setProperty("reason", why);
    return p;
  }
}
