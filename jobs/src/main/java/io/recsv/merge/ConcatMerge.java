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
import org.apache.hadoop.fs.Path;

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
      run.fs.concat(merged(run), sources);
    }
    return MergeStep.MERGED;
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

  /** The target of concat, holding the header line; its block size that of the largest part (HDFS requires it). */
  private static void writeHeader(MergeRun run, Path file, Path dir) throws IOException {
    long blockSize = 0;
    for (PlannedPart part : run.journal.parts()) {
      blockSize = Math.max(blockSize, part.blockSize());
    }
    FileSystem fs = run.fs;
    try (OutputStream out = fs.create(file, true, 4096, fs.getDefaultReplication(dir),
        blockSize > 0 ? blockSize : fs.getDefaultBlockSize(dir))) {
      out.write((run.journal.header() + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static UserError cannotResume(MergeRun run, String why) {
    return new UserError("cannot resume the merge in " + run.staging + ": " + why + "; delete " + run.staging
        + " and re-run 'export' and 'merge'");
  }
}
