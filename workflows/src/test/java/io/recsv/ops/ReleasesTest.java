package io.recsv.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReleasesTest {

  @Test
  void aReleaseIsAVersionedDirectoryAndACoordinatorIsPinnedToIt() {
    assertEquals("0.1.0-SNAPSHOT-20261124-131500", Releases.newVersion("0.1.0-SNAPSHOT",
        ZonedDateTime.parse("2026-11-24T14:15:00+01:00")));
    assertEquals("hdfs:///apps/recsv/releases/0.1.0-X", Releases.dir("hdfs:///apps/recsv/", "0.1.0-X"));
    assertThrows(IllegalArgumentException.class, () -> Releases.dir("hdfs:///apps/recsv", "../x"));
    Properties job = new Properties();
    job.setProperty("oozie.coord.application.path", "${appPath}/coordinator.xml");
    Properties pinned = Releases.pin(job, "hdfs:///apps/recsv/releases/0.1.0-X");
    assertEquals("hdfs:///apps/recsv/releases/0.1.0-X/coordinator.xml", pinned.getProperty("oozie.coord.application.path"));
    assertEquals("hdfs:///apps/recsv/releases/0.1.0-X", Releases.releaseOf(pinned));
    job.setProperty("oozie.coord.application.path", "${appPath}/retention/coordinator.xml");
    assertEquals("hdfs:///apps/recsv/releases/0.1.0-X/retention/coordinator.xml",
        Releases.pin(job, "hdfs:///apps/recsv/releases/0.1.0-X").getProperty("oozie.coord.application.path"),
        "the retention coordinator stays the retention coordinator");
    Properties stored = new Properties();  // a live coordinator's stored configuration, as rollback reads it
    stored.setProperty("appPath", "hdfs:///apps/recsv/releases/B");
    stored.setProperty("oozie.coord.application.path", "hdfs:///apps/recsv/releases/B/retention/coordinator.xml");
    assertEquals("hdfs:///apps/recsv/releases/A/retention/coordinator.xml", Releases.pin(stored,
        "hdfs:///apps/recsv/releases/A").getProperty("oozie.coord.application.path"));
  }

  @Test
  void pruningKeepsTheNewestAndEveryReleaseALiveCoordinatorUses() {
    List<Releases.Deployed> deployed = List.of(new Releases.Deployed("r1", 100), new Releases.Deployed("r2", 200),
        new Releases.Deployed("r3", 300), new Releases.Deployed("r4", 400), new Releases.Deployed("r5", 500));
    assertEquals(List.of("r2", "r1"), Releases.prune(deployed, 3, Set.of()));
    assertEquals(List.of("r2"), Releases.prune(deployed, 3, Set.of("r1")), "r1 is a live coordinator's");
    assertThrows(IllegalArgumentException.class, () -> Releases.prune(deployed, 0, Set.of()));
  }
}
