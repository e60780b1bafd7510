package io.recsv.merge;

import io.recsv.fs.Crc32c;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The merge where the file system cannot concat: the parts are streamed into one file in the staging directory,
 * CRC32C computed on the way, checked, renamed into place, and a marker says so (a rerun after that has nothing
 * to copy). Steps: PLANNED, MERGED, VERIFIED, PUBLISHED; a crash before PUBLISHED copies again.
 */
final class CopyMerge implements MergeMethod {

  private final Configuration conf;
  /** The copy's CRC32C, computed while copying: what the VERIFIED step checks. */
  private int crc;

  CopyMerge(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public List<Concurrently.Task> stage(MergeRun run) {
    return List.of();
  }

  @Override
  public MergeStep whereItStopped(MergeRun run) throws IOException {
    if (run.fs.exists(marker(run))) {
      run.verification = Verification.COPY_CRC;
      return MergeStep.PUBLISHED;
    }
    return MergeStep.PLANNED;
  }

  @Override
  public MergeStep next(MergeStep from, MergeRun run) throws IOException {
    return switch (from) {
      case PLANNED -> {
        crc = new StreamCopy(run.sync).copy(MergeClient.of(run.exportParts(), run.fs, conf), run.exportParts(),
            run.journal.parts(), run.journal.headerLine(), run.fs, merged(run));
        yield MergeStep.MERGED;
      }
      case MERGED -> verify(run);
      case VERIFIED -> {
        run.publish(merged(run));
        run.fs.create(marker(run), true).close();
        yield MergeStep.PUBLISHED;
      }
      default -> throw new IllegalStateException("copy has no step after " + from);
    };
  }

  private MergeStep verify(MergeRun run) throws IOException {
    long length = run.fs.getFileStatus(merged(run)).getLen();
    Journal journal = run.journal;
    if (length != journal.expectedBytes() || crc != Crc32c.parse(journal.expectedCrc32c())) {
      throw new IOException("merged copy " + merged(run) + " does not match the export: " + length
          + " bytes, CRC32C " + Crc32c.hex(crc) + "; expected " + journal.expectedBytes() + " bytes, CRC32C " + journal.expectedCrc32c()
          + ". Nothing was published; a part may have changed since export: re-run 'export', then 'merge' (the"
          + " staging directory " + run.staging + " is replaced)");
    }
    run.verification = Verification.COPY_CRC;
    return MergeStep.VERIFIED;
  }

  private static Path merged(MergeRun run) {
    return new Path(run.staging, MergeRun.MERGED);
  }

  private static Path marker(MergeRun run) {
    return new Path(run.staging, MergeRun.PUBLISHED_MARKER);
  }
}
