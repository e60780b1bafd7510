package io.recsv.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.lineage.ExportManifest;
import io.recsv.config.UserError;
import io.recsv.testing.MiniHdfs;
import io.recsv.testing.SyntheticParts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.PrivilegedExceptionAction;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The merge on a real HDFS (MiniDFSCluster), in the manner of Hadoop's TestHDFSConcat: tiny blocks so parts
 * end in partial blocks, many and empty parts, byte-for-byte checks against a plain concatenation, illegal
 * inputs refused, and a crash injected after every step followed by a rerun that must finish the job.
 */
class MergerTest {

  private static final long BLOCK = 4096;
  private static MiniHdfs hdfs;
  private static int counter;

  @TempDir
  java.nio.file.Path localDir;

  @BeforeAll
  static void startHdfs() throws IOException {
    hdfs = new MiniHdfs(BLOCK);
  }

  @AfterAll
  static void stopHdfs() {
    hdfs.close();
  }

  /** A fresh export + output location on HDFS. */
  private record Case(Path export, Path output, Path root, ExportManifest manifest, byte[] expected) {}

  private Case hdfsCase(long[] sizes, long blockSize) throws IOException {
    FileSystem fs = hdfs.fs();
    Path base = new Path("/t" + (++counter));
    Path export = new Path(base, "work/export");
    ExportManifest manifest = SyntheticParts.write(fs, export, sizes, blockSize, counter);
    return new Case(export, new Path(base, "out/week/recommendations.csv"), new Path(base, "out"), manifest,
        SyntheticParts.expectedCsv(fs, export, manifest));
  }

  /** A fresh export + output on the local (raw) file system, under the test's temporary directory. */
  private Case localCase(long[] sizes) throws IOException {
    FileSystem local = FileSystem.getLocal(new Configuration()).getRawFileSystem();
    Path export = new Path(localDir.resolve("export").toString());
    ExportManifest manifest = SyntheticParts.write(local, export, sizes, BLOCK, 5);
    return new Case(export, new Path(localDir.resolve("out/r.csv").toString()),
        new Path(localDir.resolve("out").toString()), manifest,
        SyntheticParts.expectedCsv(local, export, manifest));
  }

  /** What `cat` of header + parts in index order gives. */

  /** The usual merge: auto strategy, no overwrite, no crash. */
  private Merger merger(Configuration conf, Case c) {
    return merger(conf, c, Strategy.AUTO, false, MergeStep.Listener.NONE);
  }

  private Merger merger(Configuration conf, Case c, Strategy strategy, boolean overwrite, MergeStep.Listener l) {
    return new Merger(conf, settings(c, strategy, overwrite), l);
  }

  private static MergeSettings settings(Case c, Strategy strategy, boolean overwrite) {
    return new MergeSettings(c.export().toString(), c.output().toString(), c.root().toString(), strategy,
        overwrite, new FsPermission((short) 0640), 0);
  }

  private void assertPublished(FileSystem fs, Case c, Strategy strategy) throws IOException {
    assertArrayEquals(c.expected(), SyntheticParts.read(fs, c.output()),
        "byte-for-byte header + parts in order");
    CsvManifest m = CsvManifest.readIfExists(fs, c.output());
    assertEquals(c.expected().length, m.bytes());
    assertEquals(c.manifest().rows(), m.rows());
    assertEquals(strategy, m.strategy());
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(c.expected());
    assertEquals(String.format("%08x", (int) crc.getValue()), m.checksum().value());
    assertEquals((short) 0640, fs.getFileStatus(c.output()).getPermission().toShort());
    assertFalse(fs.exists(new Path(c.output().getParent(), "." + c.output().getName() + ".merging")),
        "staging directory removed");
  }

  @Test
  void copyProgressSaysHowMuchOfTheWholeAndHowLongIsLeft() {
    long gib = 1L << 30;
    assertEquals("copy: 1.0 GiB of 4.0 GiB (25.0%), 512 MiB/s, 6s left", StreamCopy.progressLine(gib, 4 * gib, 2.0));
    assertEquals("copy: 1.0 GiB of 81.0 GiB (1.2%), 10 MiB/s, 2h16m32s left",
        StreamCopy.progressLine(gib, 81 * gib, 102.4));
  }

  @Test
  void concatManyPartsWithPartialBlocksAndEmptyParts() throws IOException {
    long[] sizes = new long[50];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = i % 7 == 3 ? 0 : 100 + (i * 7919L) % (3 * BLOCK);  // partial last blocks, some empty parts
    }
    Case c = hdfsCase(sizes, BLOCK);
    CsvManifest m = merger(hdfs.conf(), c).merge();
    assertEquals(Strategy.CONCAT, m.strategy());
    assertEquals(Verification.PARTS_CRC.description(), m.checksum().verifiedBy());
    assertPublished(hdfs.fs(), c, Strategy.CONCAT);
  }

  @Test
  void partsWithLargerBlocksThanTheDefault() throws IOException {
    Case c = hdfsCase(new long[] {5 * BLOCK + 17, 3 * BLOCK, 100}, 4 * BLOCK);
    merger(hdfs.conf(), c, Strategy.CONCAT, false, MergeStep.Listener.NONE).merge();
    assertPublished(hdfs.fs(), c, Strategy.CONCAT);
  }

  @Test
  void partOrderIsNumericBeyondFiveDigits() throws IOException {
    // 100,001 parts, all empty but three: in string order part-100000.csv would sort before part-10001.csv.
    long[] sizes = new long[100_001];
    sizes[0] = 40;
    sizes[10_001] = 50;
    sizes[100_000] = 60;
    Case c = localCase(sizes);
    FileSystem local = FileSystem.getLocal(new Configuration()).getRawFileSystem();
    assertTrue(local.exists(new Path(c.export(), "parts/part-100000.csv")));
    merger(new Configuration(), c).merge();
    assertPublished(local, c, Strategy.COPY);
  }

  @Test
  void tooManyBlocksIsRefusedBeforeAnythingIsTouched() throws IOException {
    long[] sizes = new long[30];
    Arrays.fill(sizes, BLOCK + 1);  // 2 blocks each -> 61 with the header
    Case c = hdfsCase(sizes, BLOCK);
    MergeSettings limited = settings(c, Strategy.AUTO, false);
    Merger merger = new Merger(hdfs.conf(), new MergeSettings(limited.exportDir(), limited.output(),
        limited.outputRoot(), Strategy.AUTO, false, limited.permission(), 60), MergeStep.Listener.NONE);
    UserError e = assertThrows(UserError.class, merger::merge);
    assertTrue(e.getMessage().contains("61 blocks") && e.getMessage().contains("max-blocks-per-file"), e.getMessage());
    assertTrue(hdfs.fs().exists(new Path(c.export(), "parts/part-00000.csv")), "parts untouched");
    assertFalse(hdfs.fs().exists(c.output().getParent()), "nothing created next to the output");
  }

  @ParameterizedTest
  @EnumSource(value = MergeStep.class, names = {"PLANNED", "PARTS_STAGED", "HEADER_WRITTEN", "MERGED", "VERIFIED",
      "PUBLISHED", "MANIFEST_WRITTEN"})
  void aCrashAfterAnyStepIsFinishedByARerun(MergeStep crashAt) throws IOException {
    Case c = hdfsCase(new long[] {3000, 0, 5000, 4096, 123}, BLOCK);
    MergeStep.Listener crash = step -> {
      if (step == crashAt) {
        throw new IOException("injected crash after " + step);
      }
    };
    IOException e = assertThrows(IOException.class, () -> merger(hdfs.conf(), c, Strategy.AUTO, false, crash).merge());
    assertTrue(e.getMessage().contains("injected"));
    if (crashAt.ordinal() < MergeStep.PUBLISHED.ordinal()) {
      assertFalse(hdfs.fs().exists(c.output()), "nothing published before verification");
    }
    merger(hdfs.conf(), c).merge();
    assertPublished(hdfs.fs(), c, Strategy.CONCAT);
    // And a rerun after success changes nothing.
    long mtime = hdfs.fs().getFileStatus(c.output()).getModificationTime();
    merger(hdfs.conf(), c).merge();
    assertEquals(mtime, hdfs.fs().getFileStatus(c.output()).getModificationTime());
  }

  @Test
  void existingOutputIsRefusedUnlessOverwrite() throws IOException {
    Case c = hdfsCase(new long[] {1000, 2000}, BLOCK);
    hdfs.fs().mkdirs(c.output().getParent());
    try (var out = hdfs.fs().create(c.output())) {
      out.write("old".getBytes(StandardCharsets.UTF_8));
    }
    UserError e = assertThrows(UserError.class, () -> merger(hdfs.conf(), c).merge());
    assertTrue(e.getMessage().contains("already exists") && e.getMessage().contains("merge.overwrite"), e.getMessage());
    assertArrayEquals("old".getBytes(StandardCharsets.UTF_8), SyntheticParts.read(hdfs.fs(), c.output()));
    merger(hdfs.conf(), c, Strategy.AUTO, true, MergeStep.Listener.NONE).merge();
    assertPublished(hdfs.fs(), c, Strategy.CONCAT);
  }

  @Test
  void partThatChangedSizeOrIsMissingIsRefused() throws IOException {
    Case c = hdfsCase(new long[] {1000, 2000}, BLOCK);
    try (var out = hdfs.fs().append(new Path(c.export(), "parts/part-00001.csv"))) {
      out.write('x');
    }
    UserError e = assertThrows(UserError.class, () -> merger(hdfs.conf(), c).merge());
    assertTrue(e.getMessage().contains("part-00001.csv changed size"), e.getMessage());
    hdfs.fs().delete(new Path(c.export(), "parts/part-00001.csv"), false);
    e = assertThrows(UserError.class, () -> merger(hdfs.conf(), c).merge());
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
    hdfs.fs().delete(new Path(c.export(), "parts"), true);
    e = assertThrows(UserError.class, () -> merger(hdfs.conf(), c).merge());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void permissionDeniedIsAClearErrorThatNamesThePath() throws Exception {
    Case c = hdfsCase(new long[] {1000, 2000}, BLOCK);
    hdfs.fs().mkdirs(c.root());
    hdfs.fs().setPermission(c.root(), new FsPermission((short) 0755));  // the output root is not alice's
    UserGroupInformation alice = UserGroupInformation.createUserForTesting("alice", new String[] {"analysts"});
    UserError e = assertThrows(UserError.class, () -> alice.doAs((PrivilegedExceptionAction<CsvManifest>)
        () -> merger(hdfs.conf(), c).merge()));
    assertTrue(e.getMessage().startsWith("permission denied") && e.getMessage().contains("user=alice")
        && e.getMessage().contains(c.root().toString()), e.getMessage());
    assertTrue(hdfs.fs().exists(new Path(c.export(), "parts/part-00001.csv")), "parts untouched");
    assertFalse(hdfs.fs().exists(c.output().getParent()));
  }

  @Test
  void outputOutsideTheOutputRootIsRefused() throws IOException {
    Case c = hdfsCase(new long[] {100}, BLOCK);
    Merger m = new Merger(hdfs.conf(), new MergeSettings(c.export().toString(), "/elsewhere/r.csv",
        c.root().toString(), Strategy.AUTO, false, FsPermission.getFileDefault(), 0), MergeStep.Listener.NONE);
    UserError e = assertThrows(UserError.class, m::merge);
    assertTrue(e.getMessage().contains("outside merge.output-root"), e.getMessage());
  }

  @Test
  void copyStrategyOnHdfsKeepsThePartsAndGivesTheSameBytes() throws IOException {
    Case c = hdfsCase(new long[] {3000, 0, 5000}, BLOCK);
    CsvManifest m = merger(hdfs.conf(), c, Strategy.COPY, false, MergeStep.Listener.NONE).merge();
    assertEquals(Strategy.COPY, m.strategy());
    assertPublished(hdfs.fs(), c, Strategy.COPY);
    assertTrue(hdfs.fs().exists(new Path(c.export(), "parts/part-00000.csv")));
  }

  @ParameterizedTest
  @EnumSource(value = MergeStep.class, names = {"PLANNED", "MERGED", "VERIFIED", "PUBLISHED", "MANIFEST_WRITTEN"})
  void localFileSystemCopiesWithoutCrcFilesAndSurvivesCrashes(MergeStep crashAt) throws IOException {
    Configuration conf = new Configuration();
    FileSystem local = FileSystem.getLocal(conf).getRawFileSystem();
    Case c = localCase(new long[] {70_000, 0, 130_001});
    MergeStep.Listener crash = step -> {
      if (step == crashAt) {
        throw new IOException("injected crash after " + step);
      }
    };
    assertThrows(IOException.class, () -> merger(conf, c, Strategy.AUTO, false, crash).merge());
    CsvManifest m = merger(conf, c).merge();
    assertEquals(Strategy.COPY, m.strategy());
    assertPublished(local, c, Strategy.COPY);
    try (var files = Files.list(localDir.resolve("out"))) {
      assertEquals(java.util.List.of("r.csv", "r.csv.manifest.json"),
          files.map(p -> p.getFileName().toString()).sorted().toList(), "no .crc files, no leftovers");
    }
  }

  @Test
  void checksumRecordModeVerifiesByLengthAndGivesTheSameBytes() throws IOException {
    Case c = hdfsCase(new long[] {BLOCK + 9, 0, 300}, BLOCK);
    CsvManifest m = new Merger(hdfs.conf(), settings(c, Strategy.AUTO, false).withChecksum(ChecksumMode.RECORD),
        MergeStep.Listener.NONE).merge();
    assertEquals(Verification.LENGTH_ONLY.description(), m.checksum().verifiedBy());
    assertPublished(hdfs.fs(), c, Strategy.CONCAT);

    // A copy computes the CRC on the way at no cost, so it verifies it whatever the setting.
    Case lc = localCase(new long[] {70_000, 0, 130_001});
    m = new Merger(new Configuration(), settings(lc, Strategy.AUTO, false).withChecksum(ChecksumMode.RECORD),
        MergeStep.Listener.NONE).merge();
    assertEquals(Verification.COPY_CRC.description(), m.checksum().verifiedBy());
    assertPublished(FileSystem.getLocal(new Configuration()).getRawFileSystem(), lc, Strategy.COPY);
  }

  /** Same length, other bytes: what only a checksum sees. */
  private static void tamper(FileSystem fs, Path part) throws IOException {
    byte[] bytes = SyntheticParts.read(fs, part);
    bytes[bytes.length / 2] = (byte) (bytes[bytes.length / 2] == '7' ? '8' : '7');
    try (var out = fs.create(part, true, 4096, fs.getDefaultReplication(part), fs.getFileStatus(part).getBlockSize())) {
      out.write(bytes);
    }
  }

  @Test
  void aPartWhoseBytesChangedIsRefusedBeforeAnythingMoves() throws IOException {
    Case c = hdfsCase(new long[] {BLOCK * 2 + 17, 0, 900, 5000}, BLOCK);
    tamper(hdfs.fs(), new Path(c.export(), "parts/part-00003.csv"));
    IOException e = assertThrows(IOException.class,
        () -> merger(hdfs.conf(), c).merge());
    assertTrue(e.getMessage().contains("part-00003.csv has CRC32C") && e.getMessage().contains("export wrote")
        && !e.getMessage().contains("part-00002"), e.getMessage());
    for (String part : new String[] {"part-00000.csv", "part-00002.csv", "part-00003.csv"}) {
      assertTrue(hdfs.fs().exists(new Path(c.export(), "parts/" + part)), part + " untouched");
    }
    assertFalse(hdfs.fs().exists(new Path(c.output().getParent(), "." + c.output().getName() + ".merging")),
        "no staging directory left: a rerun after re-export starts afresh");
    assertFalse(hdfs.fs().exists(c.output()));
  }

  @Test
  void aResumedMergeChecksThePartsBeforeConcatConsumesThem() throws IOException {
    Case c = hdfsCase(new long[] {3000, 4000}, BLOCK);
    MergeStep.Listener crash = step -> {
      if (step == MergeStep.PARTS_STAGED) {
        throw new IOException("injected crash after " + step);
      }
    };
    assertThrows(IOException.class, () -> merger(hdfs.conf(), c, Strategy.AUTO, false, crash).merge());
    Path staged = new Path(c.output().getParent(), "." + c.output().getName() + ".merging/parts");
    tamper(hdfs.fs(), new Path(staged, "part-00000.csv"));
    IOException e = assertThrows(IOException.class,
        () -> merger(hdfs.conf(), c).merge());
    assertTrue(e.getMessage().contains("part-00000.csv has CRC32C") && e.getMessage().contains("delete "),
        e.getMessage());
    assertTrue(hdfs.fs().exists(new Path(staged, "part-00001.csv")), "parts not consumed by concat");
    assertFalse(hdfs.fs().exists(c.output()));
  }

  @Test
  void aLocalCopyWhoseBytesDifferFromTheExportIsNotPublished() throws IOException {
    FileSystem local = FileSystem.getLocal(new Configuration()).getRawFileSystem();
    Case c = localCase(new long[] {70_000, 130_001});
    tamper(local, new Path(c.export(), "parts/part-00001.csv"));
    IOException e = assertThrows(IOException.class,
        () -> merger(new Configuration(), c).merge());
    assertTrue(e.getMessage().contains("does not match the export") && e.getMessage().contains("Nothing was published"),
        e.getMessage());
    assertFalse(local.exists(c.output()));
  }

  @Test
  void aLocalCopyLongerThanTheSyncIntervalIsComplete() throws IOException {
    // Several background syncs run while the copy goes on; the bytes must come out whole and in order.
    long interval = StreamCopy.SYNC_EVERY;
    Case c = localCase(new long[] {interval + 12_345, 0, interval / 2 + 1, interval + 1});
    merger(new Configuration(), c).merge();
    assertPublished(FileSystem.getLocal(new Configuration()).getRawFileSystem(), c, Strategy.COPY);
  }

  @Test
  void partsPathWithoutSchemeIsReadFromTheDefaultFileSystem() throws IOException {
    // Default file system HDFS, parts given as a bare path, output on the local disk: copy from HDFS.
    Case onHdfs = hdfsCase(new long[] {2500, 0, 700}, BLOCK);
    Case c = new Case(new Path(onHdfs.export().toUri().getPath()), new Path(localDir.resolve("out/r.csv").toString()),
        new Path(localDir.resolve("out").toString()), onHdfs.manifest(), onHdfs.expected());
    Configuration conf = new Configuration(hdfs.conf());
    conf.set("fs.defaultFS", hdfs.uri());
    Merger m = new Merger(conf, new MergeSettings(c.export().toString(), "file://" + c.output(),
        "file://" + c.root(), Strategy.AUTO, false, new FsPermission((short) 0640), 0), MergeStep.Listener.NONE);
    assertEquals(Strategy.COPY, m.merge().strategy());
    assertPublished(FileSystem.getLocal(new Configuration()).getRawFileSystem(), c, Strategy.COPY);
  }

  @Test
  void concatIsRefusedOnTheLocalFileSystem() throws IOException {
    Case c = localCase(new long[] {100});
    UserError e = assertThrows(UserError.class,
        () -> merger(new Configuration(), c, Strategy.CONCAT, false, MergeStep.Listener.NONE).merge());
    assertTrue(e.getMessage().contains("cannot concat"), e.getMessage());
  }

  @Test
  void hdfsCompositeChecksumIsTheCrc32cOfTheBytes() throws IOException {
    Case c = hdfsCase(new long[] {BLOCK * 3 + 5, 77}, BLOCK);
    CsvManifest m = merger(hdfs.conf(), c, Strategy.CONCAT, false, MergeStep.Listener.NONE).merge();
    Configuration conf = new Configuration(hdfs.conf());
    conf.set("dfs.checksum.combine.mode", "COMPOSITE_CRC");
    try (FileSystem fs = FileSystem.newInstance(hdfs.fs().getUri(), conf)) {
      byte[] bytes = fs.getFileChecksum(c.output()).getBytes();
      assertEquals(m.checksum().value(), String.format("%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3]));
    }
    FileStatus status = hdfs.fs().getFileStatus(c.output());
    assertEquals(c.expected().length, status.getLen());
  }

  @Test
  void thePublishedFilesFollowTheUmaskUnlessAPermissionIsSet() throws IOException {
    Case c = localCase(new long[] {100, 200});
    Configuration conf = new Configuration();
    conf.set("fs.permissions.umask-mode", "077");
    MergeSettings followUmask = new MergeSettings(c.export().toString(), c.output().toString(), c.root().toString(),
        Strategy.COPY, false, null, 0);
    new Merger(conf, followUmask, MergeStep.Listener.NONE).merge();
    FileSystem fs = FileSystem.getLocal(conf).getRawFileSystem();
    assertEquals(new FsPermission((short) 0600), fs.getFileStatus(c.output()).getPermission());
    assertEquals(new FsPermission((short) 0600), fs.getFileStatus(CsvManifest.pathFor(c.output())).getPermission());

    MergeSettings explicit = new MergeSettings(c.export().toString(), c.output().toString(), c.root().toString(),
        Strategy.COPY, true, new FsPermission((short) 0640), 0);
    fs.delete(c.export(), true);
    SyntheticParts.write(fs, c.export(), new long[] {300}, BLOCK, 9);
    new Merger(conf, explicit, MergeStep.Listener.NONE).merge();
    assertEquals(new FsPermission((short) 0640), fs.getFileStatus(c.output()).getPermission());
  }
}
