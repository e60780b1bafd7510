package io.recsv.ops;

import io.recsv.workflow.WorkflowDefinition;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code recsv oozie}'s commands, one class each: its options as fields, what it does in {@code call}. */
final class OozieCommands {

  private OozieCommands() {}

  /** The installation the commands read workflows/ and the cluster jar from. */
  static Path home() {
    return Path.of(System.getProperty("recsv.home", "."));
  }

  @Command(name = "validate",
      description = "check workflow.xml and coordinator.xml: Oozie XSDs, then the rules a weekly app needs")
  static final class Validate implements Callable<Integer> {
    @Override
    public Integer call() {
      List<String> errors = OozieApp.validate(home());
      errors.forEach(System.err::println);
      System.out.println(errors.isEmpty() ? "workflow.xml and coordinator.xml are valid" : "invalid");
      return errors.isEmpty() ? 0 : 1;
    }
  }

  @Command(name = "deploy", description = "upload a new immutable release: URI/releases/V")
  static final class Deploy implements Callable<Integer> {
    @Option(names = "--app-path", paramLabel = "URI", required = true,
        description = "the application's directory on HDFS")
    String appPath;

    @Option(names = "--version", paramLabel = "V", description = "the release's name (default: the version and the"
        + " time)")
    String version;

    @Option(names = "--keep", paramLabel = "N", description = "remove older releases but the last N, never one a live"
        + " coordinator uses")
    Integer keep;

    @Mixin
    OozieOptions.Server server;

    @Override
    public Integer call() throws Exception {
      List<String> errors = OozieApp.validate(home());
      if (!errors.isEmpty()) {
        throw new IllegalArgumentException("not deploying an invalid application: " + errors.get(0));
      }
      Configuration conf = new Configuration();
      requireNameNode(appPath, conf);
      Path jar = home().resolve("jobs/target/recsv-jobs-" + OozieMain.version() + "-cluster.jar");
      String name = version != null ? version : Releases.newVersion(OozieMain.version(), ZonedDateTime.now());
      org.apache.hadoop.fs.Path release = new org.apache.hadoop.fs.Path(Releases.dir(appPath, name));
      new OozieDeployer(conf).deployRelease(OozieApp.entries(home(), jar), release);
      System.out.println("deployed release " + name + " to " + release + "; submit with --release " + name
          + ", or move a live coordinator to it with: ./recsv oozie rollback COORD_ID --to " + name);
      if (keep != null) {
        prune(release.getParent(), keep, server.ops().releasesInUse());
      }
      return 0;
    }

    /**
     * An hdfs:/// path takes its NameNode from the cluster's client configuration (fs.defaultFS in core-site.xml,
     * found through HADOOP_CONF_DIR): without it, say where it was looked for.
     */
    static void requireNameNode(String appPath, Configuration conf) {
      java.net.URI uri = new org.apache.hadoop.fs.Path(appPath).toUri();
      String defaultFs = conf.get("fs.defaultFS", "file:///");
      boolean noNameNode = uri.getAuthority() == null && (("hdfs".equals(uri.getScheme()) && !defaultFs.startsWith(
          "hdfs:")) || (uri.getScheme() == null && defaultFs.startsWith("file:")));
      if (noNameNode) {
        String dir = System.getenv("HADOOP_CONF_DIR");
        throw new IllegalArgumentException("--app-path " + appPath + " names no NameNode, and the Hadoop"
            + " configuration gives none (fs.defaultFS = " + defaultFs + "): " + (dir == null || dir.isBlank()
            ? "HADOOP_CONF_DIR is not set (the default, /etc/hadoop/conf, gave no core-site.xml)"
            : "HADOOP_CONF_DIR is " + dir + ", which gave no core-site.xml with fs.defaultFS")
            + "; set HADOOP_CONF_DIR to the cluster's client configuration, or give hdfs://namenode:8020/...");
      }
    }

    private static void prune(org.apache.hadoop.fs.Path releases, int keep, Set<String> inUse) throws IOException {
      FileSystem fs = releases.getFileSystem(new Configuration());
      List<Releases.Deployed> deployed = new ArrayList<>();
      for (org.apache.hadoop.fs.FileStatus s : fs.listStatus(releases)) {
        if (s.isDirectory()) {
          deployed.add(new Releases.Deployed(s.getPath().toString(), s.getModificationTime()));
        }
      }
      Set<String> qualifiedInUse = new java.util.HashSet<>();
      for (String dir : inUse) {
        qualifiedInUse.add(fs.makeQualified(new org.apache.hadoop.fs.Path(dir)).toString());
      }
      for (String dir : Releases.prune(deployed, keep, qualifiedInUse)) {
        fs.delete(new org.apache.hadoop.fs.Path(dir), true);
        System.out.println("removed the old release " + dir);
      }
    }
  }

  /** A command that submits the job's properties (-D over them), maybe pinned to a release, to the server. */
  abstract static class WithJobProperties implements Callable<Integer> {
    @Mixin
    OozieOptions.Job job;
    @Mixin
    OozieOptions.Release release;
    @Mixin
    OozieOptions.Server server;
    @Mixin
    OozieOptions.Overrides overrides;
  }

  @Command(name = "submit", description = "start the coordinator (or workflow)")
  static final class Submit extends WithJobProperties {
    @Override
    public Integer call() throws Exception {
      System.out.println("submitted " + server.ops().submit(release.pin(job.load(overrides))));
      return 0;
    }
  }

  @Command(name = "dryrun", description = "what the coordinator would materialize, without submitting")
  static final class Dryrun extends WithJobProperties {
    @Override
    public Integer call() throws Exception {
      System.out.println(server.ops().dryrun(release.pin(job.load(overrides))));
      return 0;
    }
  }

  @Command(name = "backfill", description = "run past weeks the live coordinator does not cover")
  static final class Backfill extends WithJobProperties {
    @Option(names = "--from-week", paramLabel = "D", required = true, description = "the first week")
    LocalDate from;

    @Option(names = "--to-week", paramLabel = "D", required = true, description = "the last week")
    LocalDate to;

    @Override
    public Integer call() throws Exception {
      Properties props = job.load(overrides);
      String startTime = props.getProperty("startTime", "T02:00Z");
      String at = startTime.substring(startTime.indexOf('T'));
      props.setProperty("startTime", from + at);
      props.setProperty("endTime", to + at.replaceFirst(":(\\d\\d)", ":59"));  // the last week's nominal time is in
      String id = server.ops().submit(release.pin(props));
      System.out.println("backfilling the weeks from " + from + " to " + to + " as " + id);
      return 0;
    }
  }

  @Command(name = "rollback", description = "the live coordinator starts its next weeks on release V")
  static final class Rollback implements Callable<Integer> {
    @Parameters(paramLabel = "COORD_ID", description = "the coordinator")
    String coordinator;

    @Option(names = "--to", paramLabel = "V", required = true, description = "the release")
    String version;

    @Mixin
    OozieOptions.Server server;

    @Override
    public Integer call() throws Exception {
      OozieOps ops = server.ops();
      String dir = ops.releaseDirFor(coordinator, version);
      ops.switchRelease(coordinator, dir);
      System.out.println("coordinator " + coordinator + " now starts its weeks on " + dir
          + "; weeks already started finish on the release they started with");
      return 0;
    }
  }

  @Command(name = "rerun", description = "rerun a workflow run's failed stages or from a stage on (...-W), or one"
      + " week of a coordinator (...-C); the same week, roots and input")
  static final class Rerun implements Callable<Integer> {
    @Parameters(paramLabel = "JOB_ID", description = "the workflow run (...-W) or the coordinator (...-C)")
    String jobId;

    @Option(names = "--failed", description = "rerun the failed stages")
    boolean failed;

    @Option(names = "--from", paramLabel = "STAGE", description = "rerun from STAGE on")
    String from;

    @Option(names = "--week", paramLabel = "YYYY-MM-DD", description = "(a coordinator) the week to rerun")
    String week;

    @Option(names = "--refresh", description = "(a coordinator's week) check its input again")
    boolean refresh;

    @Option(names = "--properties", paramLabel = "FILE",
        description = "refused: a rerun is the run as it was submitted")
    Path properties;

    @Mixin
    OozieOptions.Server server;
    @Mixin
    OozieOptions.Overrides overrides;

    @Override
    public Integer call() throws Exception {
      if (jobId.endsWith("-C")) {
        if (week == null) {
          throw new IllegalArgumentException("rerun of a coordinator needs --week YYYY-MM-DD");
        }
        server.ops().rerunWeek(jobId, week, refresh, overrides.properties());
        System.out.println("rerunning the week " + week + " of " + jobId + (refresh
            ? ", its input checked again" : ""));
        return 0;
      }
      if (failed == (from != null)) {
        throw new IllegalArgumentException("rerun takes one of --failed or --from STAGE");
      }
      if (properties != null) {
        throw new IllegalArgumentException("rerun takes no --properties: it reruns the run as it was submitted"
            + " (same week, roots and input); give a per-run override with -D key=value");
      }
      Properties props = server.ops().rerun(jobId, WorkflowDefinition.fromClasspath(), failed, from,
          overrides.properties());
      System.out.println("rerunning " + jobId + ", skipping [" + props.getProperty(Reruns.SKIP_NODES) + "]");
      return 0;
    }
  }

  /** A command on one job of the server's: a coordinator (...-C) or a week's workflow (...-W). */
  abstract static class OnJob implements Callable<Integer> {
    @Parameters(paramLabel = "JOB_ID", description = "a coordinator (...-C) or a workflow (...-W)")
    String jobId;
    @Mixin
    OozieOptions.Server server;
  }

  @Command(name = "status", description = "a coordinator's weeks and each week's nodes, or one workflow's")
  static final class Status extends OnJob {
    @Override
    public Integer call() throws Exception {
      server.ops().status(jobId);
      return 0;
    }
  }

  @Command(name = "logs", description = "Oozie's log of a coordinator or a workflow")
  static final class Logs extends OnJob {
    @Override
    public Integer call() throws Exception {
      server.ops().logs(jobId);
      return 0;
    }
  }

  @Command(name = "kill", description = "kill the coordinator (...-C) or a week's workflow (...-W)")
  static final class Kill extends OnJob {
    @Override
    public Integer call() throws Exception {
      server.ops().kill(jobId);
      System.out.println("killed " + jobId);
      return 0;
    }
  }

  @Command(name = "sharelib", description = "build a Spark 3.5 sharelib for Oozie: Spark's jars, Oozie's SparkMain,"
      + " spark-defaults.conf (then: oozie admin -sharelibupdate)")
  static final class Sharelib implements Callable<Integer> {
    @Option(names = "--output", paramLabel = "DIR|URI", required = true,
        description = "a new directory under Oozie's sharelib root, e.g. hdfs:///user/oozie/share/lib/lib_<ts>/spark3")
    String output;
    @Option(names = "--spark-jars", paramLabel = "DIR",
        description = "a Spark 3.5 distribution's jars/ (default: recsv's own Spark and Hadoop jars)")
    Path sparkJars;
    @Option(names = "--event-log-dir", paramLabel = "URI", description = "spark.eventLog.dir (and the event log on)")
    String eventLogDir;
    @Option(names = "--history-server", paramLabel = "HOST:PORT", description = "spark.yarn.historyServer.address")
    String historyServer;

    @Override
    public Integer call() throws Exception {
      List<Path> jars = SparkSharelib.jars(home(), sparkJars);
      org.apache.hadoop.fs.Path dir = SparkSharelib.write(new Configuration(), output, jars, eventLogDir,
          historyServer);
      System.out.println("wrote " + jars.size() + " jars and " + SparkSharelib.DEFAULTS + " to " + dir + "; then, on"
          + " the Oozie server: oozie admin -oozie URL -sharelibupdate, and name this directory's name in"
          + " sparkSharelib (oozie.action.sharelib.for.spark)");
      return 0;
    }
  }

  @Command(name = "retention",
      description = "past weeks under runRoot and outputRoot: listed; deleted with --apply")
  static final class Retention implements Callable<Integer> {
    @Option(names = "--keep-weeks", paramLabel = "N", defaultValue = "4",
        description = "weeks of intermediates to keep (default ${DEFAULT-VALUE})")
    int keepWeeks;

    @Option(names = "--keep-csvs", paramLabel = "N", defaultValue = "8",
        description = "published CSVs to keep (default ${DEFAULT-VALUE})")
    int keepCsvs;

    @Option(names = "--apply", description = "delete (without it: list only)")
    boolean apply;

    @Mixin
    OozieOptions.Job job;
    @Mixin
    OozieOptions.Overrides overrides;

    @Override
    public Integer call() throws Exception {
      Properties props = job.load(overrides);
      Configuration resolved = new Configuration(false);
      props.stringPropertyNames().forEach(k -> resolved.set(k, props.getProperty(k)));  // ${nameNode} as Oozie does
      for (String key : List.of("runRoot", "outputRoot")) {
        if (resolved.get(key) == null) {
          throw new IllegalArgumentException("the job properties define no " + key);
        }
      }
      io.recsv.ops.Retention.run(new Configuration(), resolved.get("runRoot"), resolved.get("outputRoot"),
          keepWeeks, keepCsvs, apply, System.out, LocalDate.now(ZoneOffset.UTC));
      return 0;
    }
  }
}
