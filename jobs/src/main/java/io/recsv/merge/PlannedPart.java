package io.recsv.merge;

/**
 * A part to merge, as found on the file system and checked against the export manifest; {@code md5} as export
 * computed it (hex), what S3 gives as the ETag of a copy of the whole part.
 */
record PlannedPart(int index, String name, long bytes, long blockSize, int crc32c, String md5) {

  /** Blocks this part keeps after concat (its last block may be partial: concat moves blocks as they are). */
  long blocks() {
    return bytes == 0 ? 0 : (bytes + blockSize - 1) / blockSize;
  }
}
