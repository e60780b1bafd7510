package io.recsv.fs;

import org.apache.hadoop.util.CrcUtil;

/**
 * CRC32C values as {@link java.util.zip.CRC32C} computes them, and their composition: the CRC of A||B from
 * crc(A), crc(B) and len(B), with Hadoop's {@link CrcUtil} (the arithmetic HDFS uses for COMPOSITE_CRC file
 * checksums). It lets merge know the checksum of an 80 GiB file without reading it.
 */
public final class Crc32c {

  private Crc32c() {}

  public static int compose(int crcA, int crcB, long lengthB) {
    return CrcUtil.compose(crcA, crcB, lengthB, CrcUtil.CASTAGNOLI_POLYNOMIAL);
  }

  public static String hex(int crc) {
    return String.format("%08x", crc);
  }

  public static int parse(String hex) {
    return Integer.parseUnsignedInt(hex, 16);
  }
}
