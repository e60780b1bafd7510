package io.recsv.merge;

import com.amazonaws.AmazonServiceException;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.AbortMultipartUploadRequest;
import com.amazonaws.services.s3.model.CompleteMultipartUploadRequest;
import com.amazonaws.services.s3.model.CopyPartRequest;
import com.amazonaws.services.s3.model.CopyPartResult;
import com.amazonaws.services.s3.model.InitiateMultipartUploadRequest;
import com.amazonaws.services.s3.model.ListMultipartUploadsRequest;
import com.amazonaws.services.s3.model.ListPartsRequest;
import com.amazonaws.services.s3.model.MultipartUpload;
import com.amazonaws.services.s3.model.MultipartUploadListing;
import com.amazonaws.services.s3.model.ObjectMetadata;
import com.amazonaws.services.s3.model.PartETag;
import com.amazonaws.services.s3.model.PartListing;
import com.amazonaws.services.s3.model.PartSummary;
import com.amazonaws.services.s3.model.UploadPartRequest;
import com.amazonaws.services.s3.model.UploadPartResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;

/**
 * The S3 calls of a compose that s3a does not offer as file system operations (multipart uploads of server-side
 * copies), made with s3a's own client: the one its settings built (credentials, endpoint, path-style access,
 * retries, proxies), so a merge reaches S3 exactly as Spark's reads and writes do. Hadoop 3.3 gives that client
 * out only through {@code getAmazonS3ClientForTesting}; its SDK (v1) is the one s3a was built with.
 */
final class S3Objects {

  /** A part of the upload as S3 lists it. */
  record Listed(long size, String etag) {}

  private final AmazonS3 client;
  private final Configuration conf;
  /** Set when S3 said it encrypted a part with KMS or a customer key: its ETags are then not MD5s. */
  private volatile boolean encryptedByKey;

  S3Objects(FileSystem fs) {
    if (!(fs instanceof S3AFileSystem s3a)) {
      throw new IllegalArgumentException("a compose needs s3a, not " + fs.getUri());
    }
    this.client = s3a.getAmazonS3ClientForTesting("recsv merge: multipart upload of server-side copies");
    this.conf = fs.getConf();
  }

  /**
   * Whether S3's ETag of a part is the MD5 of its bytes: not under SSE-KMS or SSE-C encryption, whether s3a asks
   * for it or the bucket's default applies it (S3 says so in its answers). Otherwise ETags prove nothing of the
   * bytes, and the merge reads back instead.
   */
  boolean etagsAreMd5() {
    String algorithm = conf.getTrimmed("fs.s3a.encryption.algorithm",
        conf.getTrimmed("fs.s3a.server-side-encryption-algorithm", ""));
    String a = algorithm.toUpperCase(Locale.ROOT);
    return !a.contains("KMS") && !a.equals("SSE-C") && !encryptedByKey;
  }

  private void noteEncryption(String sseAlgorithm, String customerAlgorithm) {
    if (customerAlgorithm != null || (sseAlgorithm != null && sseAlgorithm.toLowerCase(Locale.ROOT).contains("kms"))) {
      encryptedByKey = true;
    }
  }

  String initiate(Path target) throws IOException {
    return call(() -> client.initiateMultipartUpload(
        new InitiateMultipartUploadRequest(bucket(target), key(target))).getUploadId());
  }

  /** The uploads in progress into {@code target} (by this merge, or by an attempt whose journal was lost). */
  List<String> uploadsInto(Path target) throws IOException {
    return call(() -> {
      List<String> ids = new ArrayList<>();
      ListMultipartUploadsRequest request = new ListMultipartUploadsRequest(bucket(target)).withPrefix(key(target));
      MultipartUploadListing listing;
      do {
        listing = client.listMultipartUploads(request);
        for (MultipartUpload upload : listing.getMultipartUploads()) {
          if (upload.getKey().equals(key(target))) {
            ids.add(upload.getUploadId());
          }
        }
        request.setKeyMarker(listing.getNextKeyMarker());
        request.setUploadIdMarker(listing.getNextUploadIdMarker());
      } while (listing.isTruncated());
      return ids;
    });
  }

  /** The parts uploaded so far, by number; null when the upload is no longer there (aborted, or expired). */
  Map<Integer, Listed> parts(Path target, String uploadId) throws IOException {
    try {
      return call(() -> {
        Map<Integer, Listed> parts = new TreeMap<>();
        ListPartsRequest request = new ListPartsRequest(bucket(target), key(target), uploadId);
        PartListing listing;
        do {
          listing = client.listParts(request);
          for (PartSummary part : listing.getParts()) {
            parts.put(part.getPartNumber(), new Listed(part.getSize(), etag(part.getETag())));
          }
          request.setPartNumberMarker(listing.getNextPartNumberMarker());
        } while (listing.isTruncated());
        return parts;
      });
    } catch (IOException e) {
      if (errorCode(e).equals("NoSuchUpload")) {
        return null;
      }
      throw e;
    }
  }

  /** Copies bytes {@code first} to {@code last} (inclusive) of {@code source} as part {@code number}: its ETag. */
  String copy(Path target, String uploadId, int number, Path source, long first, long last) throws IOException {
    return call(() -> {
      CopyPartResult result = client.copyPart(new CopyPartRequest()
          .withSourceBucketName(bucket(source)).withSourceKey(key(source))
          .withDestinationBucketName(bucket(target)).withDestinationKey(key(target))
          .withUploadId(uploadId).withPartNumber(number).withFirstByte(first).withLastByte(last));
      noteEncryption(result.getSSEAlgorithm(), result.getSSECustomerAlgorithm());
      return etag(result.getETag());
    });
  }

  /** Uploads {@code bytes} as part {@code number}, S3 checking them against their MD5: its ETag. */
  String upload(Path target, String uploadId, int number, byte[] bytes, byte[] md5) throws IOException {
    return call(() -> {
      UploadPartResult result = client.uploadPart(new UploadPartRequest()
          .withBucketName(bucket(target)).withKey(key(target)).withUploadId(uploadId).withPartNumber(number)
          .withInputStream(new ByteArrayInputStream(bytes)).withPartSize(bytes.length)
          .withMD5Digest(Base64.getEncoder().encodeToString(md5)));
      noteEncryption(result.getSSEAlgorithm(), result.getSSECustomerAlgorithm());
      return etag(result.getETag());
    });
  }

  /**
   * Completes the upload: the object appears, whole, under its key. {@code mustBeNew}: a conditional write
   * (If-None-Match: *), which S3 refuses with 412 if the key exists by then.
   */
  String complete(Path target, String uploadId, List<String> etags, boolean mustBeNew) throws IOException {
    List<PartETag> parts = new ArrayList<>();
    for (int i = 0; i < etags.size(); i++) {
      parts.add(new PartETag(i + 1, etags.get(i)));
    }
    CompleteMultipartUploadRequest request = new CompleteMultipartUploadRequest(bucket(target), key(target),
        uploadId, parts);
    if (mustBeNew) {
      request.putCustomRequestHeader("If-None-Match", "*");
    }
    try {
      return call(() -> etag(client.completeMultipartUpload(request).getETag()));
    } catch (IOException e) {
      if (mustBeNew && errorCode(e).equals("NotImplemented")) {  // a store without conditional writes
        return complete(target, uploadId, etags, false);
      }
      throw e;
    }
  }

  /** S3's error code of a failed call ("NoSuchUpload", "PreconditionFailed", ...), or "". */
  static String errorCode(IOException e) {
    return e.getCause() instanceof AmazonServiceException s && s.getErrorCode() != null ? s.getErrorCode() : "";
  }

  void abort(Path target, String uploadId) throws IOException {
    call(() -> {
      client.abortMultipartUpload(new AbortMultipartUploadRequest(bucket(target), key(target), uploadId));
      return null;
    });
  }

  /** The object's ETag, or null when there is none. */
  String etagOf(Path object) throws IOException {
    try {
      ObjectMetadata meta = call(() -> client.getObjectMetadata(bucket(object), key(object)));
      return etag(meta.getETag());
    } catch (IOException e) {
      if (e.getCause() instanceof AmazonServiceException s && s.getStatusCode() == 404) {
        return null;
      }
      throw e;
    }
  }

  /** The ETag a multipart upload of parts with these ETags gets: the MD5 of their MD5s, and the part count. */
  static String multipartEtag(List<String> partEtags) {
    java.security.MessageDigest md5 = md5();
    for (String etag : partEtags) {
      md5.update(HexFormat.of().parseHex(etag));
    }
    return HexFormat.of().formatHex(md5.digest()) + "-" + partEtags.size();
  }

  static java.security.MessageDigest md5() {
    try {
      return java.security.MessageDigest.getInstance("MD5");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has MD5", e);
    }
  }

  /** An MD5 in hex, as S3 gives an ETag without its quotes. */
  static boolean isMd5(String etag) {
    return etag != null && etag.matches("[0-9a-f]{32}");
  }

  private static String etag(String etag) {
    return etag == null ? null : etag.replace("\"", "").toLowerCase(Locale.ROOT);
  }

  private static String bucket(Path path) {
    return path.toUri().getHost();
  }

  private static String key(Path path) {
    String p = path.toUri().getPath();
    return p.startsWith("/") ? p.substring(1) : p;
  }

  private interface Call<T> {
    T run();
  }

  /** The SDK's errors as IOExceptions naming S3's code and message (the SDK retried those worth retrying). */
  private static <T> T call(Call<T> call) throws IOException {
    try {
      return call.run();
    } catch (AmazonServiceException e) {
      throw new IOException("S3 refused: " + e.getErrorCode() + " (" + e.getStatusCode() + "): "
          + e.getErrorMessage(), e);
    } catch (com.amazonaws.SdkClientException e) {
      throw new IOException("S3 unreachable: " + e.getMessage(), e);
    }
  }
}
