package io.recsv.ops;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code recsv oozie ...}: validate, deploy, submit and rerun the Oozie application, each command a class of
 * {@link OozieCommands}. Runs without Spark. A failure is one line on stderr and exit 2.
 */
@Command(name = "recsv oozie", scope = CommandLine.ScopeType.INHERIT, synopsisSubcommandLabel = "COMMAND",
    mixinStandardHelpOptions = true, sortOptions = false, versionProvider = OozieMain.Version.class, usageHelpWidth = 100, commandListHeading = "%ncommands:%n",
    description = "The Oozie application of workflows/recommendations: validate, deploy, submit, rerun, look at.",
    subcommands = {OozieCommands.Validate.class, OozieCommands.Deploy.class, OozieCommands.Submit.class,
        OozieCommands.Rollback.class, OozieCommands.Rerun.class, OozieCommands.Backfill.class,
        OozieCommands.Dryrun.class, OozieCommands.Status.class, OozieCommands.Logs.class, OozieCommands.Kill.class,
        OozieCommands.Retention.class, OozieCommands.Sharelib.class},
    footer = {"", "recsv oozie COMMAND --help: a command's options. The cluster's Hadoop configuration is read from"
        + " $HADOOP_CONF_DIR (default /etc/hadoop/conf)."})
public final class OozieMain {

  private OozieMain() {}

  public static void main(String[] args) {
    try {
      System.exit(run(args));
    } catch (IllegalArgumentException | java.io.IOException | org.apache.oozie.client.OozieClientException e) {
      System.err.println("recsv oozie: " + e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      System.err.println("recsv oozie: failed: " + e);
      System.exit(1);
    }
  }

  static int run(String[] args) throws Exception {
    return Subcommands.run(new OozieMain(), "recsv oozie", args);
  }

  /** This release's version: the jar's, else recsv.version (set by the launcher from the build). */
  static String version() {
    String v = OozieMain.class.getPackage().getImplementationVersion();
    return v != null ? v : System.getProperty("recsv.version", "0.1.0-SNAPSHOT");
  }

  /** The parsed command {@code args} name (for tests: what it took from its words). */
  static Object parse(String... args) {
    return Subcommands.parse(new OozieMain(), args);
  }

  /** The jar's version, as {@code --version} prints it. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"recsv " + version()};
    }
  }
}
