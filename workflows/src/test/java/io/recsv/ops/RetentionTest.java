package io.recsv.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention deletes old weeks and nothing else: not the current week, a locked week, a link, a manual run. */
class RetentionTest {

  private static final LocalDate TODAY = LocalDate.parse("2026-11-24");

  @TempDir
  Path dir;

  private Path week(Path root, String name) throws Exception {
    Path w = Files.createDirectories(root.resolve(name).resolve("score/top"));
    Files.writeString(w.resolve("part-0.parquet"), "x");
    return root.resolve(name);
  }

  private static List<String> names(Path root) throws Exception {
    try (Stream<Path> s = Files.list(root)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void oldWeeksGoTheNewestTheCurrentALockedOneALinkAndManualRunsStay() throws Exception {
    Path root = Files.createDirectories(dir.resolve("work"));
    for (String w : List.of("2026-09-28", "2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02",
        "2026-11-09", "2026-11-16", "2026-11-23")) {
      week(root, w);
    }
    Files.writeString(root.resolve("2026-10-12/" + Retention.LOCK), "{}");  // a week that may be running
    week(root, "demo");                                                     // a manual run
    Path outside = Files.createDirectories(dir.resolve("outside/data"));
    Files.writeString(outside.resolve("keep.txt"), "not recsv's");
    Files.createSymbolicLink(root.resolve("2026-09-21"), outside);         // a link to somewhere else
    FileSystem fs = FileSystem.getLocal(new Configuration()).getRawFileSystem();
    org.apache.hadoop.fs.Path hroot = new org.apache.hadoop.fs.Path(root.toString());

    List<Retention.Decision> plan = Retention.plan(fs, hroot, 3, TODAY);
    assertEquals(List.of("2026-11-02", "2026-10-26", "2026-10-19", "2026-10-05", "2026-09-28"),
        plan.stream().filter(Retention.Decision::delete).map(d -> d.dir().getName()).toList());
    assertTrue(plan.stream().anyMatch(d -> d.dir().getName().equals("2026-10-12") && d.why().contains("run lock")));
    assertTrue(plan.stream().anyMatch(d -> d.dir().getName().equals("2026-09-21") && !d.delete()));
    assertEquals(11, names(root).size(), "planning deleted nothing (9 weeks, the link, demo)");

    Retention.apply(fs, hroot, plan);
    assertEquals(List.of("2026-09-21", "2026-10-12", "2026-11-09", "2026-11-16", "2026-11-23", "demo"), names(root));
    assertEquals("not recsv's", Files.readString(outside.resolve("keep.txt")));
  }

  @Test
  void theCurrentWeekStaysWhateverTheCountAndAtLeastOneWeekIsKept() throws Exception {
    Path root = Files.createDirectories(dir.resolve("published"));
    week(root, "2026-11-20");
    week(root, "2026-11-23");
    week(root, "2026-11-09");
    FileSystem fs = FileSystem.getLocal(new Configuration()).getRawFileSystem();
    org.apache.hadoop.fs.Path hroot = new org.apache.hadoop.fs.Path(root.toString());
    List<Retention.Decision> plan = Retention.plan(fs, hroot, 1, TODAY);
    assertEquals(List.of("2026-11-09"), plan.stream().filter(Retention.Decision::delete)
        .map(d -> d.dir().getName()).toList());
    assertEquals("the current week", plan.get(1).why());
    assertThrows(IllegalArgumentException.class, () -> Retention.plan(fs, hroot, 0, TODAY));
  }
}
