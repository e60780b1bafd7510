package io.recsv.merge;

/**
 * The milestones of a merge, in order. The journal and the files in the staging directory tell a rerun which
 * of them were reached, so that it finishes the job instead of starting over; tests inject a crash after each.
 */
public enum MergeStep {
  /** The staging directory holds the journal, the staged manifest and header; the export is untouched. */
  PLANNED,
  /** (concat) The export's parts directory was moved into the staging directory. */
  PARTS_STAGED,
  /** (concat) The header file, the concat target, is beside the parts (moved there, or written on a rerun). */
  HEADER_WRITTEN,
  /** The merged file is complete in the staging directory (concat done, or copy done; compose: every part in the upload). */
  MERGED,
  /** Its length and checksum match what export counted. */
  VERIFIED,
  /** The merged file has its final name. */
  PUBLISHED,
  /** The manifest is beside it. */
  MANIFEST_WRITTEN,
  /** The staging directory is gone. */
  CLEANED;

  /** Called after each step; production does nothing, tests throw to simulate a crash there. */
  public interface Listener {
    Listener NONE = step -> {};

    void reached(MergeStep step) throws java.io.IOException;

    /** (compose) Called as each part of the upload is in place, in order; tests crash between two copies. */
    default void copied(int partNumber) throws java.io.IOException {}
  }
}
