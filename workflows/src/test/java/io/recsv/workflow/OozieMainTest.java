package io.recsv.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line of {@code ./recsv oozie}: what it takes from its words and the environment. */
class OozieMainTest {

  private static OozieMain.Args args(String... words) {
    return new OozieMain.Args(words);
  }

  @Test
  void theJobIdIsFoundWhereverTheOptionsAndFlagsStand() {
    String id = "0000012-261124120000000-oozie-oozi-W";
    for (String[] words : new String[][] {
        {"rerun", "--failed", id, "--oozie", "http://o:11000/oozie"},
        {"rerun", id, "--failed", "-auth", "KERBEROS"},
        {"rerun", "-auth", "SIMPLE", "--from", "score", id},
        {"rerun", "--oozie", "http://o:11000/oozie", "-D", "mergeOverwrite=true", id}}) {
      assertEquals(id, args(words).positional(0, "JOB_ID"), String.join(" ", words));
    }
    assertEquals("true", args("rerun", "-D", "mergeOverwrite=true", id).overrides.getProperty("mergeOverwrite"));
  }

  @Test
  void theOozieUrlComesFromTheOptionElseOozieUrlLikeOoziesOwnCli() {
    assertEquals("http://a:11000/oozie", OozieMain.oozieUrl(args("status", "x", "--oozie", "http://a:11000/oozie"),
        Map.of("OOZIE_URL", "http://b:11000/oozie")));
    assertEquals("http://b:11000/oozie", OozieMain.oozieUrl(args("status", "x"), Map.of("OOZIE_URL",
        "http://b:11000/oozie")));
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> OozieMain.oozieUrl(args("status", "x"), Map.of()));
    assertTrue(none.getMessage().contains("OOZIE_URL"), none.getMessage());
  }

  @Test
  void authIsKerberosSimpleOrBasicAndDefaultsToTheNegotiatingClient() {
    assertEquals("KERBEROS", OozieMain.auth(args("submit", "-auth", "kerberos")));
    assertEquals(null, OozieMain.auth(args("submit")));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> OozieMain.auth(args("submit", "-auth", "ldap")));
    assertEquals("-auth takes KERBEROS, SIMPLE or BASIC, got 'ldap'", bad.getMessage());
  }

  @Test
  void theAuthenticatingClientIsOnTheClasspath() {
    // It failed with NoClassDefFoundError (commons-io) before the dependency was declared.
    assertEquals("http://127.0.0.1:1/oozie/", OozieMain.client("http://127.0.0.1:1/oozie", "SIMPLE").getOozieUrl());
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
}
