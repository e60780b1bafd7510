package io.recsv.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsv.config.UserError;
import io.recsv.fs.Crc32c;
import io.recsv.fs.ServerSideCompose;
import io.recsv.run.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The S3 merge: the CSV composed on S3's servers by one multipart upload whose parts are copies of export's parts
 * (UploadPartCopy), planned by {@link ComposePlan}. No byte passes through the merge unless S3's minimum part size
 * leaves no other way. The object appears, whole, only when the upload completes; until then a crash leaves an
 * upload a rerun resumes: the staging directory holds its id, S3 lists the parts done, and only the rest are
 * copied. Steps: PLANNED (upload started), MERGED (every part in place), VERIFIED (their ETags against export's
 * MD5s, or read back), PUBLISHED (completed; length and ETag checked). A merge that cannot be trusted aborts its
 * upload, and a new merge aborts any upload into the same key left by an attempt whose journal was lost: no
 * orphaned upload is left to cost money.
 */
final class ComposeMerge implements MergeMethod {

  private static final Logger LOG = LogManager.getLogger(ComposeMerge.class);
  private static final String UPLOAD = "upload.json";
  private static final String VERIFIED = "verified.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The upload in progress (staging directory's {@code upload.json}). */
  record Upload(String uploadId) {}

  /** What was verified before completing: the parts' ETags, the object's, and how (staging's verified.json). */
  record Verified(String uploadId, List<String> etags, Verification verification) {}

  private S3Objects s3;
  private org.apache.hadoop.fs.FileSystem partsFs;
  private ComposePlan plan;
  private String uploadId;
  private List<String> etags;

  @Override
  public List<Concurrently.Task> stage(MergeRun run) {
    return List.of(() -> startUpload(run));
  }

  @Override
  public MergeStep whereItStopped(MergeRun run) throws IOException {
    if (run.fs.exists(marker(run))) {
      run.verification = read(run, marker(run), Verified.class).verification();
      return MergeStep.PUBLISHED;
    }
    if (run.fs.exists(new Path(run.staging, VERIFIED))) {
      Verified verified = read(run, new Path(run.staging, VERIFIED), Verified.class);
      uploadId = verified.uploadId();
      etags = verified.etags();
      run.verification = verified.verification();
      if (S3Objects.multipartEtag(etags).equals(s3(run).etagOf(run.target))) {
        return MergeStep.PUBLISHED;  // completed before the crash
      }
      return MergeStep.VERIFIED;
    }
    return MergeStep.PLANNED;  // copy what the upload lacks (a new upload if it has gone)
  }

  @Override
  public MergeStep next(MergeStep from, MergeRun run) throws IOException {
    return switch (from) {
      case PLANNED -> copyParts(run);
      case MERGED -> verify(run);
      case VERIFIED -> complete(run);
      default -> throw new IllegalStateException("compose has no step after " + from);
    };
  }

  private synchronized S3Objects s3(MergeRun run) {
    if (s3 == null) {
      s3 = new S3Objects(run.fs);
    }
    return s3;
  }

  private ComposePlan plan(MergeRun run) {
    if (plan == null) {
      plan = ComposePlan.of(run.journal, ServerSideCompose.MIN_PART, ServerSideCompose.MAX_PART,
          ServerSideCompose.MAX_PARTS);
    }
    return plan;
  }

  /** Aborts what an earlier attempt left uploading into the key (its journal is gone), then starts the upload. */
  private void startUpload(MergeRun run) throws IOException {
    for (String stale : s3(run).uploadsInto(run.target)) {
      LOG.info("merge: aborting the unfinished upload {} into {} left by an earlier attempt", stale, run.target);
      s3(run).abort(run.target, stale);
    }
    uploadId = s3(run).initiate(run.target);
    write(run, new Path(run.staging, UPLOAD), new Upload(uploadId));
  }

  /** Every part of the plan into the upload: those S3 lists with the planned size are kept, the rest copied. */
  private MergeStep copyParts(MergeRun run) throws IOException {
    ComposePlan plan = plan(run);
    Path uploadFile = new Path(run.staging, UPLOAD);
    Map<Integer, S3Objects.Listed> done = null;
    if (uploadId == null && run.fs.exists(uploadFile)) {
      uploadId = read(run, uploadFile, Upload.class).uploadId();
    }
    if (uploadId != null) {
      done = s3(run).parts(run.target, uploadId);
    }
    if (done == null) {  // no upload yet, or it was aborted or expired since
      startUpload(run);
      done = Map.of();
    }
    String[] tags = new String[plan.segments().size()];
    List<ComposePlan.Segment> toDo = new ArrayList<>();
    for (ComposePlan.Segment segment : plan.segments()) {
      S3Objects.Listed listed = done.get(segment.number());
      // An uploaded segment is uploaded again (a few MiB at most): its MD5 is then known to this attempt.
      if (segment.copied() && listed != null && listed.size() == segment.bytes()) {
        tags[segment.number() - 1] = listed.etag();
      } else {
        toDo.add(segment);
      }
    }
    if (run.resumed && toDo.size() < tags.length) {
      LOG.info("merge: resuming upload {}: {} of {} parts already on S3", uploadId, tags.length - toDo.size(),
          tags.length);
    }
    ExecutorService threads = DaemonThreads.pool(Math.max(1, Math.min(run.parallelCopies, toDo.size())),
        "recsv-compose");
    try {
      List<Future<String>> running = new ArrayList<>();
      AtomicBoolean failed = new AtomicBoolean();  // after a failure no copy begins: a rerun resumes from there
      for (ComposePlan.Segment segment : toDo) {
        running.add(threads.submit(() -> {
          if (failed.get()) {
            throw new IOException("not copied: an earlier part failed");
          }
          try {
            String etag = put(run, segment);
            run.listener.copied(segment.number());
            return etag;
          } catch (IOException | RuntimeException e) {
            failed.set(true);
            throw e;
          }
        }));
      }
      for (int i = 0; i < running.size(); i++) {
        tags[toDo.get(i).number() - 1] = await(running.get(i));
      }
    } finally {
      threads.shutdownNow();
    }
    etags = List.of(tags);
    if (plan.uploadedBytes() > 0) {
      LOG.info(String.format("merge: %,d bytes went through the merge (runs of parts below S3's 5 MiB minimum"
          + " part size, or a header export did not put into part 0); the other %,d were copied by S3",
          plan.uploadedBytes(), run.journal.expectedBytes() - plan.uploadedBytes()));
    }
    return MergeStep.MERGED;
  }

  /** One part of the upload: S3 copies it, or the merge uploads its pieces (checking whole parts' CRC32C). */
  private String put(MergeRun run, ComposePlan.Segment segment) throws IOException {
    List<PlannedPart> parts = run.journal.parts();
    if (segment.copied()) {
      ComposePlan.Piece piece = segment.pieces().get(0);
      return s3(run).copy(run.target, uploadId, segment.number(), source(run, piece.part()), piece.offset(),
          piece.offset() + piece.length() - 1);
    }
    byte[] bytes = new byte[(int) segment.bytes()];
    int at = 0;
    for (ComposePlan.Piece piece : segment.pieces()) {
      if (piece.part() == ComposePlan.Piece.HEADER) {
        byte[] header = run.journal.headerLine();
        System.arraycopy(header, 0, bytes, at, header.length);
      } else {
        try (FSDataInputStream in = partsFs(run).open(source(run, piece.part()))) {
          in.readFully(piece.offset(), bytes, at, (int) piece.length());
        }
        PlannedPart part = parts.get(piece.part());
        if (piece.offset() == 0 && piece.length() == part.bytes()) {
          CRC32C crc = new CRC32C();
          crc.update(bytes, at, (int) piece.length());
          if ((int) crc.getValue() != part.crc32c()) {
            throw mismatch(run, "part " + source(run, piece.part()) + " has CRC32C " + Crc32c.hex((int) crc.getValue())
                + ", export wrote " + Crc32c.hex(part.crc32c()));
          }
        }
      }
      at += (int) piece.length();
    }
    byte[] md5 = S3Objects.md5().digest(bytes);
    String etag = s3(run).upload(run.target, uploadId, segment.number(), bytes, md5);
    if (s3(run).etagsAreMd5() && !HexFormat.of().formatHex(md5).equals(etag)) {
      throw mismatch(run, "S3 stored part " + segment.number() + " with ETag " + etag + ", not the MD5 of what was"
          + " sent");
    }
    return etag;
  }

  /**
   * Each copy of a whole part has the ETag export's MD5 predicts. The parts whose copies that cannot prove (copied
   * in ranges, or without a recorded MD5, or where S3's ETags are not MD5s) are read back under merge.checksum =
   * verify: their CRC32C against export's and each copied range's MD5 against its ETag.
   */
  private MergeStep verify(MergeRun run) throws IOException {
    ComposePlan plan = plan(run);
    List<PlannedPart> parts = run.journal.parts();
    boolean md5s = s3(run).etagsAreMd5();
    Map<Integer, List<ComposePlan.Segment>> unproven = new TreeMap<>();
    for (ComposePlan.Segment segment : plan.segments()) {
      if (!segment.copied()) {
        continue;  // checked when uploaded: whole parts' CRC32C, and S3's ETag against the MD5 sent
      }
      String etag = etags.get(segment.number() - 1);
      int index = segment.pieces().get(0).part();
      String md5 = parts.get(index).md5();
      if (md5s && segment.copiesWholePart(parts) && md5 != null) {
        if (!md5.equals(etag)) {
          throw mismatch(run, "S3's copy of " + source(run, index) + " has ETag " + etag + ", but export wrote"
              + " bytes of MD5 " + md5);
        }
      } else {
        unproven.computeIfAbsent(index, i -> new ArrayList<>()).add(segment);
      }
    }
    if (unproven.isEmpty()) {
      run.verification = Verification.PARTS_MD5;
    } else if (run.checksum == ChecksumMode.VERIFY) {
      for (Map.Entry<Integer, List<ComposePlan.Segment>> e : unproven.entrySet()) {
        readBack(run, e.getKey(), e.getValue(), md5s);
      }
      run.verification = Verification.PARTS_MD5_AND_READ_BACK;
    } else {
      run.verification = Verification.LENGTH_ONLY;
    }
    write(run, new Path(run.staging, VERIFIED), new Verified(uploadId, etags, run.verification));
    return MergeStep.VERIFIED;
  }

  /** Reads one part through the merge: its CRC32C against export's, each copied range's MD5 against its ETag. */
  private void readBack(MergeRun run, int index, List<ComposePlan.Segment> copies, boolean md5s) throws IOException {
    PlannedPart part = run.journal.parts().get(index);
    Path source = source(run, index);
    CRC32C crc = new CRC32C();
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = partsFs(run).open(source)) {
      long position = 0;
      for (ComposePlan.Segment segment : copies) {
        ComposePlan.Piece piece = segment.pieces().get(0);
        position = digest(in, position, piece.offset(), crc, null, buffer);
        MessageDigest md5 = S3Objects.md5();
        position = digest(in, position, piece.offset() + piece.length(), crc, md5, buffer);
        String etag = etags.get(segment.number() - 1);
        String actual = HexFormat.of().formatHex(md5.digest());
        if (md5s && !actual.equals(etag)) {
          throw mismatch(run, "S3's copy of bytes " + piece.offset() + " to " + (piece.offset() + piece.length())
              + " of " + source + " has ETag " + etag + ", the bytes there have MD5 " + actual);
        }
      }
      digest(in, position, part.bytes(), crc, null, buffer);
    }
    if ((int) crc.getValue() != part.crc32c()) {
      throw mismatch(run, "part " + source + " has CRC32C " + Crc32c.hex((int) crc.getValue()) + ", export wrote "
          + Crc32c.hex(part.crc32c()));
    }
  }

  private static long digest(InputStream in, long from, long to, CRC32C crc, MessageDigest md5, byte[] buffer)
      throws IOException {
    long position = from;
    while (position < to) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, to - position));
      if (n < 0) {
        throw new IOException("the part ended at byte " + position + ", before " + to);
      }
      crc.update(buffer, 0, n);
      if (md5 != null) {
        md5.update(buffer, 0, n);
      }
      position += n;
    }
    return position;
  }

  /**
   * Completes the upload: the CSV appears whole under its name; its length and ETag are checked. Without
   * merge.overwrite it is a conditional write (the CSV must still not exist).
   */
  private MergeStep complete(MergeRun run) throws IOException {
    if (!run.overwrite && run.fs.exists(run.target)
        && run.fs.getFileStatus(run.target).getLen() != run.journal.expectedBytes()) {
      throw appeared(run);
    }
    String etag;
    try {
      etag = s3(run).complete(run.target, uploadId, etags, !run.overwrite);
    } catch (IOException e) {
      String code = S3Objects.errorCode(e);
      if (code.equals("PreconditionFailed")) {
        throw appeared(run);
      }
      // An earlier attempt may have completed it and died before its marker: whereItStopped knows that by the
      // object's ETag, so only a store that answers otherwise between the two, or ETags that are not MD5s, end here.
      if (!code.equals("NoSuchUpload") || !run.fs.exists(run.target)
          || run.fs.getFileStatus(run.target).getLen() != run.journal.expectedBytes()) {
        throw e;
      }
      if (!s3(run).etagsAreMd5()) {  // its length alone cannot tell this upload's object from an older CSV's
        throw new IOException("upload " + uploadId + " into " + run.target + " is gone, and the object there cannot"
            + " be proven to be its result (ETags under SSE-KMS or SSE-C are not MD5s); nothing was published: delete"
            + " " + run.staging + " and rerun 'merge' with merge.overwrite=true to compose it anew", e);
      }
      LOG.info("merge: upload {} was completed by the attempt before this one", uploadId);
      etag = s3(run).etagOf(run.target);  // checked below against the parts' ETags
    }
    if (!run.fs.exists(run.target)) {  // a store that answered success but failed to assemble the object
      throw new IOException("S3 answered the completion of upload " + uploadId + " into " + run.target + " with"
          + " success, but there is no such object; nothing was published: rerun 'merge'");
    }
    run.checkLength(run.target, MergeRun.PUBLISHED_MISMATCH);
    String expected = S3Objects.multipartEtag(etags);
    if (s3(run).etagsAreMd5() && !expected.equals(etag)) {
      throw new IOException(run.target + " has ETag " + etag + ", not " + expected + " of the parts copied into"
          + " it; " + MergeRun.PUBLISHED_MISMATCH);
    }
    write(run, marker(run), new Verified(uploadId, etags, run.verification));
    return MergeStep.PUBLISHED;
  }

  /** The CSV is there, written by something else since the merge began; the upload stays, to resume. */
  private static UserError appeared(MergeRun run) {
    return new UserError(run.target + " appeared while the merge composed it (another writer?): it is left as it is"
        + " and nothing was published; set merge.overwrite=true to replace it, and rerun 'merge' (it completes the"
        + " upload it began)");
  }

  /**
   * The composed object could hold other bytes than export wrote: the upload is aborted (nothing to resume), the
   * staging directory goes, and the merge fails before anything is published.
   */
  private IOException mismatch(MergeRun run, String what) {
    try {
      s3(run).abort(run.target, uploadId);
      run.fs.delete(run.staging, true);
    } catch (IOException e) {
      LOG.warn("merge: could not abort upload {} into {}: {}", uploadId, run.target, e.getMessage());
    }
    return new IOException(what + ". Nothing was published (the upload was aborted); a part may have changed since"
        + " export: re-run 'export', then 'merge'");
  }

  private static Path source(MergeRun run, int index) {
    return new Path(run.exportParts(), run.journal.parts().get(index).name());
  }

  /** The parts' file system: the CSV's client, or another bucket's (S3 copies between buckets of one endpoint). */
  private synchronized org.apache.hadoop.fs.FileSystem partsFs(MergeRun run) throws IOException {
    if (partsFs == null) {
      partsFs = MergeClient.of(run.exportParts(), run.fs, run.fs.getConf());
    }
    return partsFs;
  }

  private static Path marker(MergeRun run) {
    return new Path(run.staging, MergeRun.PUBLISHED_MARKER);
  }

  private static String await(Future<String> task) throws IOException {
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while S3 copied the parts", e);
    }
  }

  private static void write(MergeRun run, Path file, Object value) throws IOException {
    try (OutputStream out = run.fs.create(file, true)) {
      JSON.writeValue(out, value);
    }
  }

  private static <T> T read(MergeRun run, Path file, Class<T> type) throws IOException {
    try (InputStream in = run.fs.open(file)) {
      return JSON.readValue(in, type);
    }
  }
}
