package io.recsv.merge;

/** A part to merge, as found on the file system and checked against the export manifest. */
record PlannedPart(int index, String name, long bytes, long blockSize, int crc32c) {

  /** Blocks this part keeps after concat (its last block may be partial: concat moves blocks as they are). */
  long blocks() {
    return bytes == 0 ? 0 : (bytes + blockSize - 1) / blockSize;
  }
}
