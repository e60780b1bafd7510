package io.recsv.merge;

/** {@code merge.checksum}: whether a concat merge reads back checksums before it publishes. */
public enum ChecksumMode {
  /** The parts' HDFS checksums (or the merged file's) against export's CRC32C, before publishing. */
  VERIFY,
  /** Only record the CRC32C composed from export's; check the length. */
  RECORD
}
