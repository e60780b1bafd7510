package io.recsv.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.lineage.ExportManifest;
import io.recsv.testing.MiniHdfs;
import io.recsv.testing.SyntheticParts;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A merge killed mid-way (a real process, halted), then a new export of the same run: the next merge must merge
 * the new export. It clears the old staging directory, naming it, instead of resuming a plan whose export is
 * gone: resuming would fail forever (copy) or publish the old export's rows (concat).
 */
class StaleJournalTest {

  @TempDir
  java.nio.file.Path local;

  private static void crash(Path export, Path csv, Path root, Strategy strategy, MergeStep at) throws Exception {
    Process p = CrashingMerge.start(export, csv, root, strategy, at.name(), java.util.Map.of());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(137, p.exitValue(), "the merge process died at " + at);
  }

  /** The crash, a new export, a merge; returns the staging directory the crash left. */
  private static void crashThenReexportThenMerge(FileSystem fs, Configuration conf, Path base, Strategy strategy,
      MergeStep at) throws Exception {
    Path export = new Path(base, "work/r1/export");
    Path root = new Path(base, "published");
    Path csv = new Path(root, "r1/recommendations.csv");
    Path staging = new Path(root, "r1/.recommendations.csv.merging");
    SyntheticParts.write(fs, export, new long[] {3000, 5000, 0, 4000}, 4096, 1);
    crash(export, csv, root, strategy, at);
    assertTrue(fs.exists(new Path(staging, "journal.json")), "the crash left a journal");

    fs.delete(export, true);  // export runs again: a new export id, other rows
    ExportManifest second = SyntheticParts.write(fs, export, new long[] {6000, 1000, 2000}, 4096, 2);
    byte[] want = SyntheticParts.expectedCsv(fs, export, second);

    CsvManifest published = new Merger(conf, new MergeSettings(export.toString(), csv.toString(), root.toString(),
        strategy, false, FsPermission.getFileDefault(), 0), MergeStep.Listener.NONE).merge();
    assertEquals(second.exportId(), published.exportId());
    assertArrayEquals(want, SyntheticParts.read(fs, csv), "the new export's rows, not the old plan's");
    assertFalse(fs.exists(staging));
  }

  @Test
  void aCopyKilledAfterCopyingThenANewExportIsMergedFromTheNewExport() throws Exception {
    Configuration conf = new Configuration();
    FileSystem fs = FileSystem.getLocal(conf).getRawFileSystem();
    crashThenReexportThenMerge(fs, conf, new Path(local.toString()), Strategy.COPY, MergeStep.MERGED);
  }

  @Test
  void aConcatKilledAfterMovingThePartsThenANewExportIsMergedFromTheNewExport() throws Exception {
    try (MiniHdfs hdfs = new MiniHdfs(4096)) {
      crashThenReexportThenMerge(hdfs.fs(), hdfs.conf(), new Path(hdfs.uri() + "/s"), Strategy.CONCAT,
          MergeStep.PARTS_STAGED);
    }
  }
}
