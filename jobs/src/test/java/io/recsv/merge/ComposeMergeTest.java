package io.recsv.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.config.UserError;
import io.recsv.lineage.ExportManifest;
import io.recsv.testing.S3Server;
import io.recsv.testing.SyntheticParts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The compose on a real S3 server (S3Proxy, which enforces S3's 5 MiB minimum part size and gives MD5 ETags)
 * through Hadoop's s3a: the CSV byte-identical to header + parts, a crash at each point finished by a rerun,
 * damaged parts and existing CSVs refused, and no multipart upload left behind in any case.
 */
class ComposeMergeTest {

  private static final long MIB = 1 << 20;
  private static S3Server s3;
  private static int counter;
  private FileSystem fs;

  @BeforeAll
  static void startS3() throws IOException {
    s3 = new S3Server();
  }

  @AfterAll
  static void stopS3() throws InterruptedException {
    s3.close();
  }

  @BeforeEach
  void open() throws IOException {
    fs = new Path(s3.uri("")).getFileSystem(conf());
  }

  /** The test's objects go: the server holds them in memory. */
  @AfterEach
  void close() throws IOException {
    fs.delete(new Path(s3.uri("t" + counter)), true);
    fs.close();
  }

  private static Configuration conf() {
    return s3.conf(new Configuration());
  }

  private record Case(Path export, Path output, Path root, ExportManifest manifest, byte[] expected) {}

  private Case s3Case(boolean headerInFirstPart, long... sizes) throws IOException {
    Path base = new Path(s3.uri("t" + (++counter)));
    Path export = new Path(base, "work/export");
    ExportManifest manifest = SyntheticParts.write(fs, export, sizes, 32 * MIB, counter, headerInFirstPart);
    return new Case(export, new Path(base, "out/week/recommendations.csv"), new Path(base, "out"), manifest,
        SyntheticParts.expectedCsv(fs, export, manifest));
  }

  private static Merger merger(Case c, Strategy strategy, boolean overwrite, MergeStep.Listener listener) {
    // One copy at a time: a crash after part N leaves the parts after it not begun, as the tests count on.
    return new Merger(conf(), new MergeSettings(c.export().toString(), c.output().toString(), c.root().toString(),
        strategy, overwrite, FsPermission.getFileDefault(), 0).withParallelCopies(1), listener);
  }

  private static Merger merger(Case c) {
    return merger(c, Strategy.AUTO, false, MergeStep.Listener.NONE);
  }

  private void assertPublished(Case c, Verification verification) throws IOException {
    assertArrayEquals(c.expected(), SyntheticParts.read(fs, c.output()), "byte-for-byte header + parts in order");
    CsvManifest m = CsvManifest.readIfExists(fs, c.output());
    assertEquals(Strategy.COMPOSE, m.strategy());
    assertEquals(c.expected().length, m.bytes());
    assertEquals(c.manifest().rows(), m.rows());
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(c.expected());
    assertEquals(String.format("%08x", (int) crc.getValue()), m.checksum().value());
    assertEquals(verification.description(), m.checksum().verifiedBy());
    assertFalse(fs.exists(staging(c)), "staging directory removed");
    assertNoUploads(c);
  }

  private void assertNoUploads(Case c) throws IOException {
    assertEquals(List.of(), new S3Objects(fs).uploadsInto(fs.makeQualified(c.output())), "no upload left behind");
  }

  private static Path staging(Case c) {
    return new Path(c.output().getParent(), "." + c.output().getName() + ".merging");
  }

  @Test
  void partsAreComposedOnTheServerWithTheHeaderInTheFirst() throws IOException {
    Case c = s3Case(true, 6 * MIB, 5 * MIB + 1, 6 * MIB, 1234);
    merger(c).merge();
    assertPublished(c, Verification.PARTS_MD5);
  }

  @Test
  void smallPartsAndAHeaderOfItsOwnAreUploadedAndThePartsCopiedInRangesReadBack() throws IOException {
    // The header goes up with the first 5 MiB of part 0 (the rest of it copied as a range, so read back), parts 1
    // and 2 are below S3's minimum and go up topped up from part 3, whose rest is copied; the last is any size.
    Case c = s3Case(false, 12 * MIB, 1000, 2000, 11 * MIB, 77);
    merger(c).merge();
    assertPublished(c, Verification.PARTS_MD5_AND_READ_BACK);
  }

  @Test
  void aTinyCsvIsOneCopiedPart() throws IOException {
    Case c = s3Case(true, 500);
    merger(c).merge();
    assertPublished(c, Verification.PARTS_MD5);
  }

  @ParameterizedTest
  @ValueSource(strings = {"PLANNED", "copied 1", "copied 2", "MERGED", "VERIFIED", "PUBLISHED", "MANIFEST_WRITTEN"})
  void aCrashAtAnyPointIsFinishedByARerun(String crashAt) throws IOException {
    Case c = s3Case(true, 6 * MIB, 6 * MIB, 6 * MIB, 100);
    MergeStep.Listener crash = new MergeStep.Listener() {
      @Override
      public void reached(MergeStep step) throws IOException {
        if (step.name().equals(crashAt)) {
          throw new IOException("injected crash after " + step);
        }
      }

      @Override
      public void copied(int part) throws IOException {
        if (crashAt.equals("copied " + part)) {
          throw new IOException("injected crash after copying part " + part);
        }
      }
    };
    IOException e = assertThrows(IOException.class, () -> merger(c, Strategy.AUTO, false, crash).merge());
    assertTrue(e.getMessage().contains("injected"), e.getMessage());
    boolean completed = crashAt.equals("PUBLISHED") || crashAt.equals("MANIFEST_WRITTEN");
    assertEquals(completed, fs.exists(c.output()), "the CSV appears only when the upload completes");
    if (crashAt.startsWith("copied")) {
      S3Objects objects = new S3Objects(fs);
      String upload = objects.uploadsInto(fs.makeQualified(c.output())).get(0);
      assertEquals(Integer.parseInt(crashAt.substring(7)), objects.parts(fs.makeQualified(c.output()), upload).size(),
          "the parts before the crash are in the upload, the rest not begun");
    }
    merger(c).merge();
    assertPublished(c, Verification.PARTS_MD5);
  }

  /** Killed (a halted process): between two copies, before completing (VERIFIED), before the manifest (PUBLISHED). */
  @ParameterizedTest
  @ValueSource(strings = {"copied 2", "VERIFIED", "PUBLISHED"})
  void aKilledMergeIsFinishedByARerunFromWhereItStopped(String killedAt) throws Exception {
    Case c = s3Case(true, 6 * MIB, 6 * MIB, 6 * MIB, 100);
    Process p = CrashingMerge.start(c.export(), c.output(), c.root(), Strategy.AUTO, killedAt, s3.settings());
    assertEquals(137, p.waitFor(), "killed");
    S3Objects objects = new S3Objects(fs);
    Path target = fs.makeQualified(c.output());
    if (killedAt.equals("PUBLISHED")) {
      assertTrue(fs.exists(c.output()), "completed before it was killed");
      assertFalse(fs.exists(CsvManifest.pathFor(c.output())), "but no manifest yet");
    } else {
      assertFalse(fs.exists(c.output()), "not completed");
      List<String> uploads = objects.uploadsInto(target);
      assertEquals(1, uploads.size(), "the killed merge's upload, to resume");
      assertEquals(killedAt.equals("copied 2") ? java.util.Set.of(1, 2) : java.util.Set.of(1, 2, 3, 4),
          objects.parts(target, uploads.get(0)).keySet(), "the parts copied when it was killed");
    }
    merger(c).merge();
    assertPublished(c, Verification.PARTS_MD5);
  }

  @Test
  void aPartChangedSinceExportIsRefusedAndTheUploadAborted() throws IOException {
    Case c = s3Case(true, 6 * MIB, 6 * MIB, 100);
    // Same length, other bytes: only the bytes can tell (S3's ETag of the copy against export's MD5).
    Path part = new Path(c.export(), "parts/part-00001.csv");
    byte[] bytes = SyntheticParts.read(fs, part);
    bytes[(int) (3 * MIB)] = (byte) (bytes[(int) (3 * MIB)] == '7' ? '8' : '7');
    try (var out = fs.create(part, true)) {
      out.write(bytes);
    }
    IOException e = assertThrows(IOException.class, () -> merger(c).merge());
    assertTrue(e.getMessage().contains("part-00001.csv") && e.getMessage().contains("ETag")
        && e.getMessage().contains("re-run 'export'"), e.getMessage());
    assertFalse(fs.exists(c.output()), "nothing published");
    assertFalse(fs.exists(staging(c)));
    assertNoUploads(c);
  }

  @Test
  void anExistingCsvIsRefusedUnlessOverwrite() throws IOException {
    Case c = s3Case(true, 6 * MIB, 300);
    try (var out = fs.create(c.output())) {
      out.write("old".getBytes(StandardCharsets.UTF_8));
    }
    UserError e = assertThrows(UserError.class, () -> merger(c).merge());
    assertTrue(e.getMessage().contains("already exists") && e.getMessage().contains("merge.overwrite"),
        e.getMessage());
    assertArrayEquals("old".getBytes(StandardCharsets.UTF_8), SyntheticParts.read(fs, c.output()));
    merger(c, Strategy.AUTO, true, MergeStep.Listener.NONE).merge();
    assertPublished(c, Verification.PARTS_MD5);
  }

  @Test
  void aCsvThatAppearedWhileTheMergeComposedIsNotReplacedUnlessOverwrite() throws IOException {
    Case c = s3Case(true, 6 * MIB, 300);
    MergeStep.Listener crash = step -> {
      if (step == MergeStep.VERIFIED) {
        throw new IOException("injected crash after " + step);
      }
    };
    assertThrows(IOException.class, () -> merger(c, Strategy.AUTO, false, crash).merge());
    try (var out = fs.create(c.output())) {
      out.write("another writer's".getBytes(StandardCharsets.UTF_8));
    }
    UserError e = assertThrows(UserError.class, () -> merger(c).merge());
    assertTrue(e.getMessage().contains("appeared while the merge composed it")
        && e.getMessage().contains("merge.overwrite=true"), e.getMessage());
    assertArrayEquals("another writer's".getBytes(StandardCharsets.UTF_8), SyntheticParts.read(fs, c.output()));
    merger(c, Strategy.AUTO, true, MergeStep.Listener.NONE).merge();
    assertPublished(c, Verification.PARTS_MD5);
  }

  @Test
  void anUploadLeftByAnAttemptWhoseJournalWasLostIsAborted() throws IOException {
    Case c = s3Case(true, 6 * MIB, 300);
    S3Objects objects = new S3Objects(fs);
    String stale = objects.initiate(fs.makeQualified(c.output()));
    assertEquals(List.of(stale), objects.uploadsInto(fs.makeQualified(c.output())));
    merger(c).merge();
    assertPublished(c, Verification.PARTS_MD5);
  }

  @Test
  void partsOffS3AreCopiedToS3WithALineThatSaysHowToCompose(@org.junit.jupiter.api.io.TempDir java.nio.file.Path local)
      throws IOException {
    FileSystem localFs = FileSystem.getLocal(new Configuration()).getRawFileSystem();
    Path export = new Path(local.resolve("export").toUri());
    ExportManifest manifest = SyntheticParts.write(localFs, export, new long[] {6 * MIB, 500}, 32 * MIB, 3);
    Path base = new Path(s3.uri("t" + (++counter)));
    Case c = new Case(export, new Path(base, "out/week/recommendations.csv"), new Path(base, "out"), manifest,
        SyntheticParts.expectedCsv(localFs, export, manifest));
    merger(c).merge();
    CsvManifest m = CsvManifest.readIfExists(fs, c.output());
    assertEquals(Strategy.COPY, m.strategy());
    assertTrue(m.strategyReason().contains("different file systems")
        && m.strategyReason().contains("work directory on S3"), m.strategyReason());
    assertArrayEquals(c.expected(), SyntheticParts.read(fs, c.output()));
  }

  @Test
  void concatOnS3AndComposeElsewhereAreRefusedNamingTheSetting() throws IOException {
    Case c = s3Case(true, 300);
    UserError e = assertThrows(UserError.class,
        () -> merger(c, Strategy.CONCAT, false, MergeStep.Listener.NONE).merge());
    assertTrue(e.getMessage().contains("merge.strategy = concat"), e.getMessage());
    merger(c, Strategy.COPY, false, MergeStep.Listener.NONE).merge();
    CsvManifest m = CsvManifest.readIfExists(fs, c.output());
    assertEquals(Strategy.COPY, m.strategy(), "copy when asked");
    assertArrayEquals(c.expected(), SyntheticParts.read(fs, c.output()), "the header once, from part 0");
  }
}
