package io.recsv.merge;

import io.recsv.lineage.RunLayout;
import io.recsv.config.Settings;
import org.apache.hadoop.fs.permission.FsPermission;

/** The merge stage's keys, validated. {@code permission} is null when the files should follow the umask. */
public record MergeSettings(String exportDir, String output, String outputRoot, Strategy strategy,
    boolean overwrite, FsPermission permission, long maxBlocksPerFile, ChecksumMode checksum, boolean sync,
    int parallelCopies) {

  /** What a test or benchmark does not set: reference.conf's merge.parallel-copies. */
  static final int PARALLEL_COPIES = 16;

  /** The defaults for what a test or benchmark does not set. */
  public MergeSettings(String exportDir, String output, String outputRoot, Strategy strategy, boolean overwrite,
      FsPermission permission, long maxBlocksPerFile) {
    this(exportDir, output, outputRoot, strategy, overwrite, permission, maxBlocksPerFile, ChecksumMode.VERIFY,
        true, PARALLEL_COPIES);
  }

  public MergeSettings withChecksum(ChecksumMode mode) {
    return new MergeSettings(exportDir, output, outputRoot, strategy, overwrite, permission, maxBlocksPerFile, mode,
        sync, parallelCopies);
  }

  public MergeSettings withSync(boolean sync) {
    return new MergeSettings(exportDir, output, outputRoot, strategy, overwrite, permission, maxBlocksPerFile,
        checksum, sync, parallelCopies);
  }

  public MergeSettings withParallelCopies(int copies) {
    return new MergeSettings(exportDir, output, outputRoot, strategy, overwrite, permission, maxBlocksPerFile,
        checksum, sync, copies);
  }

  /** The merge's behaviour from its keys; its paths from {@code layout}, which composes every path of a run. */
  public static MergeSettings from(Settings s, RunLayout layout) {
    String permission = s.string("merge.permission").trim();
    if (!permission.isEmpty() && !permission.matches("[0-7]{3,4}")) {
      throw s.bad("merge.permission", "must be empty (follow the umask) or octal like 644");
    }
    return new MergeSettings(
        layout.exportDir().toString(),
        layout.published().toString(),
        layout.outputRoot().toString(),
        s.enumValue("merge.strategy", Strategy.class),
        s.bool("merge.overwrite"),
        permission.isEmpty() ? null : new FsPermission(Short.parseShort(permission, 8)),
        s.intAtLeast("merge.max-blocks-per-file", 0),
        s.enumValue("merge.checksum", ChecksumMode.class),
        s.bool("merge.sync"),
        s.intAtLeast("merge.parallel-copies", 1));
  }
}
