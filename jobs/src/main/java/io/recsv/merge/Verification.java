package io.recsv.merge;

/** How a merged file's bytes were checked against export's before it was published, as the manifest says. */
enum Verification {
  /** Every part's HDFS checksum matched export's before concat linked their blocks in; then the length. */
  PARTS_CRC("hdfs COMPOSITE_CRC of every part, before publishing"),
  /** The merged file's HDFS checksum, block-layout independent, against the one composed from export's. */
  CONCAT_CRC("hdfs COMPOSITE_CRC, before publishing"),
  /** Every part S3 copied has the ETag (MD5) export computed for it; then the object's length and ETag. */
  PARTS_MD5("S3 ETag (MD5) of every copied part against export's, before publishing; then the object's ETag"),
  /**
   * As PARTS_MD5, and the parts whose copies S3's ETags cannot prove alone (copied in ranges, or exported without
   * an MD5) read back through the merge and checked against export's CRC32C, before publishing.
   */
  PARTS_MD5_AND_READ_BACK("S3 ETags of the copied parts; parts copied in ranges read back against export's"
      + " CRC32C, before publishing"),
  /** CRC32C computed while copying. */
  COPY_CRC("computed while copying, before publishing"),
  /** merge.checksum = record, or a file system without composite checksums. */
  LENGTH_ONLY("length only; CRC32C composed from export's part checksums");

  private final String description;

  Verification(String description) {
    this.description = description;
  }

  /** The manifest's {@code checksum.verifiedBy}. */
  String description() {
    return description;
  }
}
