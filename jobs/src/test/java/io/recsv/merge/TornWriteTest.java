package io.recsv.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.lineage.ExportManifest;
import io.recsv.testing.SyntheticParts;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A merge whose process is killed in the middle of writing its journal or its staged manifest (a real torn
 * write: a child JVM halted after the file's first 40 bytes reached the disk), then a rerun: the rerun must not
 * trust the torn file, and must publish the CSV and a whole manifest.
 */
class TornWriteTest {

  @TempDir
  java.nio.file.Path local;

  @ParameterizedTest
  @ValueSource(strings = {"journal.json.tmp", "manifest.json"})
  void aFileCutShortByAKilledProcessIsNotTrustedByTheRerun(String torn) throws Exception {
    Configuration conf = new Configuration();
    FileSystem fs = FileSystem.getLocal(conf).getRawFileSystem();
    Path export = new Path(local.toString(), "work/r1/export");
    Path root = new Path(local.toString(), "published");
    Path csv = new Path(root, "r1/recommendations.csv");
    Path staging = new Path(root, "r1/.recommendations.csv.merging");
    ExportManifest exported = SyntheticParts.write(fs, export, new long[] {3000, 5000, 0, 4000}, 4096, 1);

    String javaCommand = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(javaCommand, "-cp", System.getProperty("java.class.path"), TornWrite.class.getName(),
        export.toUri().getPath(), csv.toUri().getPath(), root.toUri().getPath(), torn).inheritIO().start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(137, p.exitValue(), "the merge process died writing " + torn);
    java.nio.file.Path tornFile = java.nio.file.Path.of(staging.toUri().getPath(), torn);
    assertEquals(40, Files.size(tornFile), "the file is cut short on disk");
    assertFalse(fs.exists(csv), "nothing published");

    // The rerun on the same (torn://) paths, nothing torn this time.
    Configuration again = new Configuration();
    again.setClass("fs.torn.impl", TornWrite.TornFileSystem.class, FileSystem.class);
    again.setBoolean("fs.torn.impl.disable.cache", true);
    CsvManifest published = new Merger(again, new MergeSettings("torn://" + export.toUri().getPath(),
        "torn://" + csv.toUri().getPath(), "torn://" + root.toUri().getPath(), Strategy.AUTO, false,
        FsPermission.getFileDefault(), 0), MergeStep.Listener.NONE).merge();
    assertEquals(exported.exportId(), published.exportId());
    assertArrayEquals(SyntheticParts.expectedCsv(fs, export, exported), SyntheticParts.read(fs, csv));
    CsvManifest beside = CsvManifest.readIfExists(fs, csv);
    assertEquals(published.bytes(), beside.bytes(), "a whole manifest beside the CSV");
    assertEquals(Strategy.COPY, beside.strategy());
    assertFalse(fs.exists(staging));
  }

}
