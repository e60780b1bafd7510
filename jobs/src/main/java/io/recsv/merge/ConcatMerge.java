package io.recsv.merge;

import io.recsv.fs.Renames;
import io.recsv.config.UserError;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.HadoopIllegalArgumentException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.ErasureCodingPolicy;
import org.apache.hadoop.ipc.RemoteException;

/**
 * The HDFS merge: the parts directory is moved into the staging directory, a file holding the header is put
 * beside the parts, and concat links the parts' blocks onto it (a NameNode edit, no data moved; atomic: either
 * every part is still there or none is). Steps: PLANNED, PARTS_STAGED, HEADER_WRITTEN, MERGED, VERIFIED, PUBLISHED.
 */
final class ConcatMerge implements MergeMethod {

  @Override
  public List<Concurrently.Task> stage(MergeRun run) {
    Path header = new Path(run.staging, MergeRun.STAGED_HEADER);
    Concurrently.Task writeHeader = () -> writeHeader(run, header, run.staging);
    if (run.checksum == ChecksumMode.RECORD) {
      return List.of(writeHeader);
    }
    return List.of(writeHeader, () -> run.partsVerified = PartChecksums.verify(run.fs, run.exportParts(),
        run.journal.parts(), "re-run the 'export' stage"));
  }

  @Override
  public MergeStep whereItStopped(MergeRun run) throws IOException {
    FileSystem fs = run.fs;
    Path stagedParts = run.stagedParts();
    if (!fs.exists(stagedParts)) {
      if (fs.exists(run.exportParts())) {
        return MergeStep.PLANNED;
      }
      if (fs.exists(run.target)) {
        return published(run);
      }
      throw cannotResume(run, "neither " + run.exportParts() + " nor " + stagedParts + " exists");
    }
    List<PlannedPart> parts = run.journal.parts();
    if (!parts.isEmpty() && fs.exists(new Path(stagedParts, parts.get(0).name()))) {
      Set<String> present = new HashSet<>();  // one listing, not an RPC per part
      for (FileStatus status : fs.listStatus(stagedParts)) {
        present.add(status.getPath().getName());
      }
      for (PlannedPart part : parts) {
        if (!present.contains(part.name())) {
          throw cannotResume(run, "part " + new Path(stagedParts, part.name()) + " is missing");
        }
      }
      // The header file may have been cut short by the crash: the next step writes it again.
      return MergeStep.PARTS_STAGED;
    }
    if (fs.exists(merged(run))) {
      return MergeStep.MERGED;
    }
    if (fs.exists(run.target)) {
      return published(run);
    }
    if (parts.isEmpty()) {
      return MergeStep.PARTS_STAGED;  // every part was empty: only the header to write
    }
    throw cannotResume(run, "its parts, its merged file and " + run.target + " are all missing");
  }

  @Override
  public MergeStep next(MergeStep from, MergeRun run) throws IOException {
    return switch (from) {
      case PLANNED -> stageParts(run);
      case PARTS_STAGED -> putHeader(run);
      case HEADER_WRITTEN -> concat(run);
      case MERGED -> verify(run);
      case VERIFIED -> {
        run.publish(merged(run));
        yield MergeStep.PUBLISHED;
      }
      default -> throw new IllegalStateException("concat has no step after " + from);
    };
  }

  private static MergeStep stageParts(MergeRun run) throws IOException {
    Renames.move(run.fs, run.exportParts(), run.stagedParts());
    return MergeStep.PARTS_STAGED;
  }

  /** concat's target must be in the parts' directory: the staged header moves there, or is written there. */
  private static MergeStep putHeader(MergeRun run) throws IOException {
    Path staged = new Path(run.staging, MergeRun.STAGED_HEADER);
    if (!run.resumed) {  // this attempt wrote it whole
      Renames.move(run.fs, staged, merged(run));
    } else {
      writeHeader(run, merged(run), run.stagedParts());
    }
    return MergeStep.HEADER_WRITTEN;
  }

  private static MergeStep concat(MergeRun run) throws IOException {
    List<PlannedPart> parts = run.journal.parts();
    if (run.resumed && run.checksum == ChecksumMode.VERIFY) {  // check the parts before concat consumes them
      run.partsVerified = PartChecksums.verify(run.fs, run.stagedParts(), parts, "delete " + run.staging
          + " (it holds the parts of the interrupted merge), then re-run 'export' and 'merge'");
    }
    if (!parts.isEmpty()) {
      Path[] sources = new Path[parts.size()];
      for (int i = 0; i < sources.length; i++) {
        sources[i] = new Path(run.stagedParts(), parts.get(i).name());
      }
      try {
        run.fs.concat(merged(run), sources);
      } catch (RemoteException | HadoopIllegalArgumentException e) {
        throw Refused.byNameNode(e);
      }
    }
    return MergeStep.MERGED;
  }

  /**
   * The NameNode refused concat for what recsv cannot arrange (sources in a snapshot, an encryption zone, ...):
   * concat is all or nothing, so the parts are as they were, and the merge can copy them instead.
   */
  static final class Refused extends IOException {
    Refused(String reason, Throwable cause) {
      super(reason, cause);
    }

    /** The refusal, if {@code e} is one (the NameNode's argument or snapshot errors); else {@code e} itself. */
    static IOException byNameNode(Exception e) {
      String type = e instanceof RemoteException remote ? remote.getClassName() : e.getClass().getName();
      if (type.equals(HadoopIllegalArgumentException.class.getName())
          || type.equals("org.apache.hadoop.hdfs.protocol.SnapshotException")) {
        String message = e instanceof RemoteException remote ? remote.getLocalizedMessage() : e.getMessage();
        return new Refused(message.lines().findFirst().orElse(message), e);
      }
      return e instanceof IOException io ? io : new IOException(e);
    }
  }

  private static MergeStep verify(MergeRun run) throws IOException {
    if (Boolean.TRUE.equals(run.partsVerified)) {  // the parts' checksums matched before concat linked them in
      run.checkLength(merged(run), "nothing was published");
      run.verification = Verification.PARTS_CRC;
    } else {
      run.verification = run.verifyWhole(merged(run), "nothing was published");
    }
    return MergeStep.VERIFIED;
  }

  /** Published before the crash: verified again, as the manifest will say. */
  private static MergeStep published(MergeRun run) throws IOException {
    run.verification = run.verifyWhole(run.target, MergeRun.PUBLISHED_MISMATCH);
    return MergeStep.PUBLISHED;
  }

  private static Path merged(MergeRun run) {
    return new Path(run.stagedParts(), MergeRun.MERGED);
  }

  /**
   * The target of concat, holding the header line, made as the NameNode requires of it: a block size no smaller
   * than any part's (that of the largest), and the parts' erasure-coding policy (or replication), whatever the
   * directory it is written in would give a new file.
   */
  private static void writeHeader(MergeRun run, Path file, Path dir) throws IOException {
    long blockSize = 0;
    for (PlannedPart part : run.journal.parts()) {
      blockSize = Math.max(blockSize, part.blockSize());
    }
    FileSystem fs = run.fs;
    long size = blockSize > 0 ? blockSize : fs.getDefaultBlockSize(dir);
    try (OutputStream out = fs instanceof DistributedFileSystem dfs ? createLikeTheParts(dfs, run, file, size)
        : fs.create(file, true, 4096, fs.getDefaultReplication(dir), size)) {
      out.write((run.journal.header() + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static OutputStream createLikeTheParts(DistributedFileSystem dfs, MergeRun run, Path file, long blockSize)
      throws IOException {
    var builder = dfs.createFile(file).overwrite(true).blockSize(blockSize);
    ErasureCodingPolicy ec = run.journal.parts().isEmpty() ? null : dfs.getErasureCodingPolicy(aPart(run));
    return ec != null ? builder.ecPolicyName(ec.getName()).build()
        : builder.replicate().replication(dfs.getDefaultReplication(file)).build();
  }

  /** The first part, where it is now: still in the export, or moved into the staging directory. */
  private static Path aPart(MergeRun run) throws IOException {
    String name = run.journal.parts().get(0).name();
    Path staged = new Path(run.stagedParts(), name);
    return run.fs.exists(staged) ? staged : new Path(run.exportParts(), name);
  }

  private static UserError cannotResume(MergeRun run, String why) {
    return new UserError("cannot resume the merge in " + run.staging + ": " + why + "; delete " + run.staging
        + " and re-run 'export' and 'merge'");
  }
}
