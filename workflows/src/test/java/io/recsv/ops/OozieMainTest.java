package io.recsv.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line of {@code ./recsv oozie}: what it takes from its words and the environment. */
class OozieMainTest {

  private static OozieOptions.Server server(String... words) {
    Object command = OozieMain.parse(words);
    if (command instanceof OozieCommands.Status status) {
      return status.server;
    }
    return ((OozieCommands.Submit) command).server;
  }

  @Test
  void theJobIdIsFoundWhereverTheOptionsAndFlagsStand() {
    String id = "0000012-261124120000000-oozie-oozi-W";
    for (String[] words : new String[][] {
        {"rerun", "--failed", id, "--oozie", "http://o:11000/oozie"},
        {"rerun", id, "--failed", "-auth", "KERBEROS"},
        {"rerun", "-auth", "SIMPLE", "--from", "score", id},
        {"rerun", "--oozie", "http://o:11000/oozie", "-D", "mergeOverwrite=true", id}}) {
      assertEquals(id, ((OozieCommands.Rerun) OozieMain.parse(words)).jobId, String.join(" ", words));
    }
    assertEquals("true", ((OozieCommands.Rerun) OozieMain.parse("rerun", "-D", "mergeOverwrite=true", id)).overrides
        .properties().getProperty("mergeOverwrite"));
  }

  @Test
  void theOozieUrlComesFromTheOptionElseOozieUrlLikeOoziesOwnCli() {
    assertEquals("http://a:11000/oozie", server("status", "x", "--oozie", "http://a:11000/oozie")
        .url(Map.of("OOZIE_URL", "http://b:11000/oozie")));
    assertEquals("http://b:11000/oozie", server("status", "x").url(Map.of("OOZIE_URL", "http://b:11000/oozie")));
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> server("status", "x").url(Map.of()));
    assertTrue(none.getMessage().contains("OOZIE_URL"), none.getMessage());
  }

  @Test
  void authIsKerberosSimpleOrBasicAndDefaultsToTheNegotiatingClient() {
    assertEquals("KERBEROS", server("submit", "--properties", "j.properties", "-auth", "kerberos").auth());
    assertEquals(null, server("submit", "--properties", "j.properties").auth());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> server("submit", "--properties", "j.properties", "-auth", "ldap").auth());
    assertEquals("-auth takes KERBEROS, SIMPLE or BASIC, got 'ldap'", bad.getMessage());
  }

  @Test
  void theAuthenticatingClientIsOnTheClasspath() {
    // It failed with NoClassDefFoundError (commons-io) before the dependency was declared.
    assertEquals("http://127.0.0.1:1/oozie/", OozieOptions.Server.client("http://127.0.0.1:1/oozie", "SIMPLE").getOozieUrl());
  }

  @Test
  void aRerunTakesOneModeAndNoPropertiesFile() throws Exception {
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
        () -> OozieMain.run(new String[] {"rerun", "x-W", "--failed", "--from", "score", "--oozie", "http://o"}));
    assertEquals("rerun takes one of --failed or --from STAGE", both.getMessage());
    IllegalArgumentException file = assertThrows(IllegalArgumentException.class,
        () -> OozieMain.run(new String[] {"rerun", "x-W", "--failed", "--properties", "week.properties"}));
    assertTrue(file.getMessage().startsWith("rerun takes no --properties"), file.getMessage());
  }

  @Test
  void aServerThatIsDownIsOneLineThatNamesTheUrl() throws Exception {
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();  // free once closed: nothing listens there
    }
    String url = "http://127.0.0.1:" + closed + "/oozie";
    IllegalArgumentException down = assertThrows(IllegalArgumentException.class,
        () -> OozieMain.run(new String[] {"status", "0000001-261130020000000-oozie-oozi-W", "-oozie", url}));
    assertTrue(down.getMessage().startsWith("cannot reach the Oozie server at " + url + " (Connection refused"),
        down.getMessage());
    IllegalArgumentException noHost = assertThrows(IllegalArgumentException.class,
        () -> OozieOptions.Server.requireReachable("oozie:11000", 1000));
    assertTrue(noHost.getMessage().contains("names no host"), noHost.getMessage());
  }

  @Test
  void oozieOwnSpellingsOfTheUrlAndThePropertiesAreTaken() {
    OozieCommands.Submit submit = (OozieCommands.Submit) OozieMain.parse("submit", "-oozie", "http://o:11000/oozie",
        "-config", "week.properties");
    assertEquals("http://o:11000/oozie", submit.server.url(Map.of()));
    assertEquals(java.nio.file.Path.of("week.properties"), submit.job.file);
  }

  @Test
  void deployWithoutTheClustersConfigurationSaysWhereItLooked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OozieCommands.Deploy
        .requireNameNode("hdfs:///apps/recsv", new org.apache.hadoop.conf.Configuration(false)));
    assertTrue(e.getMessage().startsWith("--app-path hdfs:///apps/recsv names no NameNode, and the Hadoop"
        + " configuration gives none (fs.defaultFS = file:///): HADOOP_CONF_DIR"), e.getMessage());
    OozieCommands.Deploy.requireNameNode("hdfs://nn:8020/apps/recsv", new org.apache.hadoop.conf.Configuration(false));
  }

  @Test
  void eachCommandHasGeneratedHelpAndAMistakeNamesTheCommand() throws Exception {
    java.io.PrintStream stdout = System.out;
    java.io.ByteArrayOutputStream help = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(help, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertEquals(0, OozieMain.run(new String[] {"--help"}));
      assertEquals(0, OozieMain.run(new String[] {"rerun", "--help"}));
    } finally {
      System.setOut(stdout);
    }
    String text = help.toString(java.nio.charset.StandardCharsets.UTF_8);
    for (String command : new String[] {"validate", "deploy", "submit", "rollback", "rerun", "backfill", "dryrun",
        "status", "logs", "kill", "retention"}) {
      assertTrue(text.contains("  " + command + " "), command + " in " + text);
    }
    assertTrue(text.contains("Usage: recsv oozie rerun") && text.contains("--from=STAGE"), text);
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> OozieMain.run(new String[] {"submit", "--oozie", "http://o"}));
    assertEquals("submit: Missing required option: '--properties=FILE' (see recsv oozie submit --help)",
        missing.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> OozieMain.run(new String[] {"sumbit"}));
    assertTrue(unknown.getMessage().contains("'sumbit'"), unknown.getMessage());
  }
}
