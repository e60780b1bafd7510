/**
 * File-system helpers on Hadoop's {@code FileSystem}, for any file system the run is on: renames that say why
 * they failed, paths kept inside their root, checksums, and I/O errors worded for the user.
 */
package io.recsv.fs;
