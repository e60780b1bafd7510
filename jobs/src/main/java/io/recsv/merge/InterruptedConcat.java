package io.recsv.merge;

import io.recsv.common.Renames;
import io.recsv.common.UserError;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A concat merge that a crash interrupted, as a rerun finds it from its journal and the staging directory.
 * concat is atomic: either every part is still in the staged parts directory, or none is and they are all in
 * the merged file.
 */
final class InterruptedConcat {

  enum State {
    /** The parts are staged, not yet concatenated (the header may or may not be written). */
    PARTS_LEFT,
    /** The merged file is complete in the staging directory, not yet published. */
    MERGED,
    /** The merged file has its final name; only the manifest and the clean-up may be missing. */
    PUBLISHED
  }

  private InterruptedConcat() {}

  /**
   * Where it stands, with the parts moved into the staging directory if they were not yet. Throws, saying what
   * to do, if what the journal promises is not there.
   */
  static State find(FileSystem fs, Journal journal, Path staging, Path target)
      throws IOException {
    Path stagedParts = new Path(staging, Merger.STAGED_PARTS);
    Path exportParts = new Path(journal.exportParts());
    if (!fs.exists(stagedParts)) {
      if (fs.exists(exportParts)) {
        Renames.move(fs, exportParts, stagedParts);
      } else if (fs.exists(target)) {
        return State.PUBLISHED;
      } else {
        throw new UserError("cannot resume the merge in " + staging + ": neither " + exportParts + " nor "
            + stagedParts + " exists; delete " + staging + " and re-run 'export' and 'merge'");
      }
    }
    boolean partsLeft = !journal.parts().isEmpty()
        && fs.exists(new Path(stagedParts, journal.parts().get(0).name()));
    if (partsLeft) {
      Set<String> present = new HashSet<>();  // one listing, not an RPC per part
      for (FileStatus status : fs.listStatus(stagedParts)) {
        present.add(status.getPath().getName());
      }
      for (PlannedPart part : journal.parts()) {
        if (!present.contains(part.name())) {
          throw new UserError("cannot resume the merge in " + staging + ": part " + new Path(stagedParts,
              part.name()) + " is missing");
        }
      }
      return State.PARTS_LEFT;
    }
    if (fs.exists(new Path(stagedParts, Merger.MERGED))) {
      return State.MERGED;
    }
    if (fs.exists(target)) {
      return State.PUBLISHED;
    }
    if (journal.parts().isEmpty()) {
      return State.PARTS_LEFT;  // every part was empty: only the header to write
    }
    throw new UserError("cannot resume the merge in " + staging + ": its parts, its merged file and " + target
        + " are all missing; delete " + staging + " and re-run 'export' and 'merge'");
  }
}
