package io.recsv.workflow;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.oozie.client.AuthOozieClient;
import org.apache.oozie.client.OozieClient;
import org.apache.oozie.client.OozieClientException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * {@code recsv oozie ...}: validate, deploy, submit and rerun the Oozie application. Runs without Spark.
 */
public final class OozieMain {

  private static final String USAGE = String.join("\n",
      "usage: recsv oozie COMMAND [options]        (recsv oozie COMMAND --help: the command's options)",
      "  validate                                   check workflow.xml and coordinator.xml: Oozie XSDs, then the rules a weekly app needs",
      "  deploy --app-path URI [--version V] [--keep N]",
      "                                             upload a new immutable release: URI/releases/V (V: version-time);",
      "                                             --keep N removes older releases, never one a live coordinator uses",
      "  submit --oozie URL --properties FILE [--release V]",
      "                                             start the coordinator (or workflow); --release pins it to a release",
      "  rollback COORD_ID --to V --oozie URL       the live coordinator starts its next weeks on release V",
      "  rerun JOB_ID --oozie URL (--failed | --from STAGE) [-D key=value]...",
      "                                             rerun a workflow run's failed stages, or from a stage on;",
      "                                             the same week, roots and input (they cannot be overridden)",
      "  rerun COORD_ID --week YYYY-MM-DD [--refresh] [-D key=value]...",
      "                                             rerun one week of a coordinator (--refresh: check its input again)",
      "  backfill --from-week D --to-week D --properties FILE [--release V]",
      "                                             run past weeks the live coordinator does not cover",
      "  dryrun --properties FILE [--release V]     what the coordinator would materialize, without submitting",
      "  status JOB_ID --oozie URL                  a coordinator's weeks and each week's nodes, or one workflow's",
      "  logs JOB_ID --oozie URL                    Oozie's log of a coordinator or a workflow",
      "  kill JOB_ID --oozie URL                    kill the coordinator (...-C) or a week's workflow (...-W)",
      "  retention --properties FILE [--keep-weeks 4] [--keep-csvs 8] [--apply]",
      "                                             past weeks under runRoot and outputRoot: listed; deleted with --apply",
      "options: -D key=value adds or overrides a job property; --oozie URL defaults to $OOZIE_URL;",
      "         -auth KERBEROS|SIMPLE|BASIC as Oozie's CLI (default: Kerberos SPNEGO, simple if the server allows);",
      "         the cluster's Hadoop configuration is read from $HADOOP_CONF_DIR (default /etc/hadoop/conf)");

  private OozieMain() {}

  public static void main(String[] args) {
    try {
      System.exit(run(args));
    } catch (IllegalArgumentException | IOException | OozieClientException e) {
      System.err.println("recsv oozie: " + e.getMessage());
      System.exit(2);
    }
  }

  static int run(String[] argv) throws IOException, OozieClientException {
    if (argv.length == 0 || List.of(argv).equals(List.of("--help")) || List.of(argv).equals(List.of("-h"))) {
      System.out.println(USAGE);
      return argv.length == 0 ? 2 : 0;
    }
    Args args = new Args(argv);
    if (args.help() != null) {
      System.out.print(args.help());
      return 0;
    }
    Path repo = Path.of(System.getProperty("recsv.home", "."));
    switch (args.command) {
      case "validate" -> {
        List<String> errors = OozieApp.validate(repo);
        errors.forEach(System.err::println);
        System.out.println(errors.isEmpty() ? "workflow.xml and coordinator.xml are valid" : "invalid");
        return errors.isEmpty() ? 0 : 1;
      }
      case "deploy" -> {
        List<String> errors = OozieApp.validate(repo);
        if (!errors.isEmpty()) {
          throw new IllegalArgumentException("not deploying an invalid application: " + errors.get(0));
        }
        Path jar = repo.resolve("jobs/target/recsv-jobs-" + version() + "-cluster.jar");
        String version = Objects.requireNonNullElse(args.optional("--version"),
            Releases.newVersion(version(), ZonedDateTime.now()));
        org.apache.hadoop.fs.Path release = new org.apache.hadoop.fs.Path(
            Releases.dir(args.required("--app-path"), version));
        new OozieDeployer(new Configuration()).deployRelease(OozieApp.entries(repo, jar), release);
        System.out.println("deployed release " + version + " to " + release + "; submit with --release " + version
            + ", or move a live coordinator to it with: ./recsv oozie rollback COORD_ID --to " + version);
        if (args.optional("--keep") != null) {
          prune(release.getParent(), Integer.parseInt(args.optional("--keep")), ops(args).releasesInUse());
        }
        return 0;
      }
      case "rollback" -> {
        String coordinator = args.positional(0, "COORD_ID");
        String version = args.required("--to");
        OozieOps ops = ops(args);
        String dir = ops.releaseDirFor(coordinator, version);
        ops.switchRelease(coordinator, dir);
        System.out.println("coordinator " + coordinator + " now starts its weeks on " + dir
            + "; weeks already started finish on the release they started with");
        return 0;
      }
      case "submit" -> {
        Properties job = args.properties();
        if (args.optional("--release") != null) {
          job = Releases.pin(job, Releases.dir(job.getProperty("appPath", ""), args.optional("--release")));
        }
        String id = ops(args).submit(job);
        System.out.println("submitted " + id);
        return 0;
      }
      case "dryrun" -> {
        Properties job = args.properties();
        if (args.optional("--release") != null) {
          job = Releases.pin(job, Releases.dir(job.getProperty("appPath", ""), args.optional("--release")));
        }
        System.out.println(ops(args).dryrun(job));
        return 0;
      }
      case "backfill" -> {
        Properties job = args.properties();
        String at = job.getProperty("startTime", "T02:00Z").substring(job.getProperty("startTime", "T02:00Z")
            .indexOf('T'));
        LocalDate from = LocalDate.parse(args.required("--from-week"));
        LocalDate to = LocalDate.parse(args.required("--to-week"));
        job.setProperty("startTime", from + at);
        job.setProperty("endTime", to + at.replaceFirst(":(\\d\\d)", ":59"));  // the last week's nominal time is in
        if (args.optional("--release") != null) {
          job = Releases.pin(job, Releases.dir(job.getProperty("appPath", ""), args.optional("--release")));
        }
        String id = ops(args).submit(job);
        System.out.println("backfilling the weeks from " + from + " to " + to + " as " + id);
        return 0;
      }
      case "logs" -> {
        ops(args).logs(args.positional(0, "JOB_ID"));
        return 0;
      }
      case "retention" -> {
        retention(args);
        return 0;
      }
      case "status" -> {
        ops(args).status(args.positional(0, "JOB_ID (a coordinator ...-C or a workflow ...-W)"));
        return 0;
      }
      case "kill" -> {
        String id = args.positional(0, "JOB_ID");
        ops(args).kill(id);
        System.out.println("killed " + id);
        return 0;
      }
      case "rerun" -> {
        String jobId = args.positional(0, "JOB_ID");
        if (jobId.endsWith("-C")) {
          String week = args.required("--week");
          ops(args).rerunWeek(jobId, week, args.has("--refresh"), args.overrides);
          System.out.println("rerunning the week " + week + " of " + jobId + (args.has("--refresh")
              ? ", its input checked again" : ""));
          return 0;
        }
        if (args.has("--failed") == args.has("--from")) {
          throw new IllegalArgumentException("rerun takes one of --failed or --from STAGE");
        }
        if (args.has("--properties")) {
          throw new IllegalArgumentException("rerun takes no --properties: it reruns the run as it was submitted"
              + " (same week, roots and input); give a per-run override with -D key=value");
        }
        Properties props = ops(args).rerun(jobId, WorkflowDefinition.fromClasspath(), args.has("--failed"),
            args.has("--failed") ? null : args.required("--from"), args.overrides);
        System.out.println("rerunning " + jobId + ", skipping [" + props.getProperty(Reruns.SKIP_NODES) + "]");
        return 0;
      }
      default -> throw new IllegalArgumentException("unknown command '" + args.command + "'\n" + USAGE);
    }
  }

  private static OozieOps ops(Args args) {
    OozieClient client = client(oozieUrl(args, System.getenv()), auth(args));
    return new OozieOps(client, client, System.out);
  }

  /** Oozie's authenticating client (Kerberos SPNEGO, simple or basic), as its CLI uses. */
  static OozieClient client(String url, String auth) {
    return new AuthOozieClient(url, auth);
  }

  /**
   * Past weeks under runRoot and outputRoot (from the job properties), beyond the newest --keep-weeks (default
   * 4) and --keep-csvs (default 8): listed, and deleted only with --apply.
   */
  private static void retention(Args args) throws IOException {
    Properties job = args.properties();
    Configuration resolved = new Configuration(false);
    job.stringPropertyNames().forEach(k -> resolved.set(k, job.getProperty(k)));  // ${nameNode} as Oozie resolves
    for (String key : List.of("runRoot", "outputRoot")) {
      if (resolved.get(key) == null) {
        throw new IllegalArgumentException("the job properties define no " + key);
      }
    }
    Retention.run(new Configuration(), resolved.get("runRoot"), resolved.get("outputRoot"),
        Integer.parseInt(Objects.requireNonNullElse(args.optional("--keep-weeks"), "4")),
        Integer.parseInt(Objects.requireNonNullElse(args.optional("--keep-csvs"), "8")), args.has("--apply"),
        System.out, LocalDate.now(ZoneOffset.UTC));
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

  /** --oozie, else OOZIE_URL, as Oozie's own CLI. */
  static String oozieUrl(Args args, Map<String, String> env) {
    String url = args.optional("--oozie");
    url = url != null ? url : env.get("OOZIE_URL");
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(args.command + " needs the Oozie URL: --oozie URL, or the OOZIE_URL"
          + " environment variable");
    }
    return url;
  }

  /**
   * -auth KERBEROS | SIMPLE | BASIC, as Oozie's CLI; by default Kerberos SPNEGO, which falls back to simple
   * authentication when the server does not ask for it (kinit first on a secured cluster).
   */
  static String auth(Args args) {
    String auth = args.optional("-auth");
    if (auth != null && !List.of("KERBEROS", "SIMPLE", "BASIC").contains(auth.toUpperCase())) {
      throw new IllegalArgumentException("-auth takes KERBEROS, SIMPLE or BASIC, got '" + auth + "'");
    }
    return auth == null ? null : auth.toUpperCase();
  }

  private static String version() {
    String v = OozieMain.class.getPackage().getImplementationVersion();
    return v != null ? v : System.getProperty("recsv.version", "0.1.0-SNAPSHOT");
  }

  /**
   * A small argument parser: a command, options with a value ({@code --oozie URL}, {@code -auth KERBEROS}),
   * the flags {@code --failed} and {@code --help}, {@code -D k=v}, and positionals.
   */
  /** Each command's options (beside the common --oozie, -auth and -D) and its positional parameter. */
  private record Sub(String positional, String description, String[][] options) {}

  private static final Map<String, Sub> COMMANDS = Map.ofEntries(
      Map.entry("validate", new Sub(null, "check workflow.xml and coordinator.xml: Oozie XSDs, then the rules a weekly"
          + " app needs", new String[][] {})),
      Map.entry("deploy", new Sub(null, "upload a new immutable release: URI/releases/V", new String[][] {
          {"--app-path", "URI", "the application's directory on HDFS"},
          {"--version", "V", "the release's name (default: the version and the time)"},
          {"--keep", "N", "remove older releases but the last N, never one a live coordinator uses"}})),
      Map.entry("submit", new Sub(null, "start the coordinator (or workflow)", new String[][] {
          {"--properties", "FILE", "the job's properties"},
          {"--release", "V", "pin it to release V"}})),
      Map.entry("rollback", new Sub("COORD_ID", "the live coordinator starts its next weeks on release V",
          new String[][] {{"--to", "V", "the release"}})),
      Map.entry("rerun", new Sub("JOB_ID", "rerun a workflow run's failed stages or from a stage on (...-W), or one"
          + " week of a coordinator (...-C); the same week, roots and input", new String[][] {
              {"--failed", null, "rerun the failed stages"},
              {"--from", "STAGE", "rerun from STAGE on"},
              {"--week", "YYYY-MM-DD", "(a coordinator) the week to rerun"},
              {"--refresh", null, "(a coordinator's week) check its input again"},
              {"--properties", "FILE", "refused: a rerun is the run as it was submitted"}})),
      Map.entry("backfill", new Sub(null, "run past weeks the live coordinator does not cover", new String[][] {
          {"--from-week", "D", "the first week"},
          {"--to-week", "D", "the last week"},
          {"--properties", "FILE", "the job's properties"},
          {"--release", "V", "pin it to release V"}})),
      Map.entry("dryrun", new Sub(null, "what the coordinator would materialize, without submitting",
          new String[][] {
              {"--properties", "FILE", "the job's properties"},
              {"--release", "V", "pin it to release V"}})),
      Map.entry("status", new Sub("JOB_ID", "a coordinator's weeks and each week's nodes, or one workflow's",
          new String[][] {})),
      Map.entry("logs", new Sub("JOB_ID", "Oozie's log of a coordinator or a workflow", new String[][] {})),
      Map.entry("kill", new Sub("JOB_ID", "kill the coordinator (...-C) or a week's workflow (...-W)",
          new String[][] {})),
      Map.entry("retention", new Sub(null, "past weeks under runRoot and outputRoot: listed; deleted with --apply",
          new String[][] {
              {"--properties", "FILE", "the job's properties (runRoot, outputRoot)"},
              {"--keep-weeks", "N", "weeks of intermediates to keep (default 4)"},
              {"--keep-csvs", "N", "published CSVs to keep (default 8)"},
              {"--apply", null, "delete (without it: list only)"}})));

  /** The command line, parsed by picocli against the command's options; each command has generated help. */
  static final class Args {
    final String command;
    final Properties overrides = new Properties();
    private final ParseResult parsed;
    private final CommandLine commandLine;

    Args(String[] argv) {
      List<String> rest = new ArrayList<>(List.of(argv));
      String cmd = null;
      for (int i = 0; i < rest.size(); i++) {
        if (rest.get(i).equals("-D")) {
          i++;
        } else if (!rest.get(i).startsWith("-")) {
          cmd = rest.remove(i);
          break;
        }
      }
      command = cmd;
      Sub sub = COMMANDS.get(cmd);
      if (sub == null) {
        parsed = null;
        commandLine = null;
        return;
      }
      commandLine = new CommandLine(spec(cmd, sub));
      try {
        parsed = commandLine.parseArgs(rest.toArray(String[]::new));
      } catch (ParameterException e) {
        throw new IllegalArgumentException(cmd + ": " + e.getMessage() + " (see recsv oozie " + cmd + " --help)");
      }
      for (String kv : parsed.matchedOptionValue("-D", List.<String>of())) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("-D takes key=value, got '" + kv + "'");
        }
        overrides.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }

    private static CommandSpec spec(String name, Sub sub) {
      CommandSpec spec = CommandSpec.create().name("recsv oozie " + name);
      spec.usageMessage().description(sub.description()).sortOptions(false).width(100);
      for (String[] o : sub.options()) {
        OptionSpec.Builder b = OptionSpec.builder(o[0]).description(o[2]);
        spec.addOption(o[1] == null ? b.arity("0").type(boolean.class).build()
            : b.paramLabel(o[1]).type(String.class).build());
      }
      if (!name.equals("validate")) {
        spec.addOption(OptionSpec.builder("--oozie").paramLabel("URL").type(String.class)
            .description("the Oozie server (default: $OOZIE_URL)").build());
        spec.addOption(OptionSpec.builder("-auth").paramLabel("KERBEROS|SIMPLE|BASIC").type(String.class)
            .description("as Oozie's CLI (default: Kerberos SPNEGO, simple if the server allows)").build());
        spec.addOption(OptionSpec.builder("-D").paramLabel("key=value").type(List.class)
            .auxiliaryTypes(String.class).description("add or override a job property; may repeat").build());
      }
      spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("this help").build());
      if (sub.positional() != null) {
        spec.addPositional(PositionalParamSpec.builder().paramLabel(sub.positional()).arity("0..1")
            .type(String.class).description("the job").build());
      }
      return spec;
    }

    /** --help after a command: its generated help; null when none was asked for. */
    String help() {
      return parsed != null && parsed.isUsageHelpRequested() ? commandLine.getUsageMessage() : null;
    }

    String optional(String option) {
      return parsed == null ? null : parsed.matchedOptionValue(option, null);
    }

    boolean has(String option) {
      return parsed != null && parsed.hasMatchedOption(option);
    }

    String required(String option) {
      String value = optional(option);
      if (value == null) {
        throw new IllegalArgumentException(command + " needs " + option);
      }
      return value;
    }

    String positional(int n, String what) {
      if (parsed == null || !parsed.hasMatchedPositional(n)) {
        throw new IllegalArgumentException(command + " needs " + what);
      }
      return parsed.matchedPositional(n).getValue();
    }

    Properties properties() throws IOException {
      Path file = Path.of(required("--properties"));
      Properties props = new Properties();
      try (Reader in = Files.newBufferedReader(file)) {
        props.load(in);
      } catch (IOException e) {
        throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
      }
      props.putAll(overrides);
      props.putIfAbsent(OozieClient.USER_NAME, System.getProperty("user.name"));
      return props;
    }
  }
}
