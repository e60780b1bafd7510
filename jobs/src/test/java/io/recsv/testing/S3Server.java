package io.recsv.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileUtil;

/**
 * A real S3 server for the tests: S3Proxy (org.gaul:s3proxy) over jclouds' in-memory store, in a JVM of its own
 * (its self-contained jar: its Jetty and Guava would clash with Spark's and Hadoop's on one classpath). It speaks
 * the S3 REST API, multipart uploads and UploadPartCopy (with byte ranges) included, so the merge's server-side
 * compose runs here as on S3, through Hadoop's own s3a connector: S3's rules included (a part under 5 MiB but the
 * last is refused with EntityTooSmall, as by S3), and its ETags (a part's MD5; an upload's, the MD5 of its parts').
 * The store is a key-value store as S3 is (its filesystem stores make directories of key prefixes, which s3a's
 * directory markers trip over).
 */
public final class S3Server implements AutoCloseable {

  public static final String BUCKET = "recsv";
  private static final String IDENTITY = "recsv-test";
  private static final String CREDENTIAL = "recsv-test-secret";

  private final Path dir;
  private final int port;
  private final Process process;

  public S3Server() throws IOException {
    this(1024);
  }

  /** @param heapMib the server's heap: it holds every object in memory (a benchmark's parts and CSVs) */
  public S3Server(int heapMib) throws IOException {
    dir = Files.createTempDirectory("recsv-s3");
    port = freePort();
    Properties props = new Properties();
    props.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
    props.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    props.setProperty("s3proxy.identity", IDENTITY);
    props.setProperty("s3proxy.credential", CREDENTIAL);
    props.setProperty("jclouds.provider", "transient");
    props.setProperty("jclouds.identity", IDENTITY);
    props.setProperty("jclouds.credential", CREDENTIAL);
    Path properties = dir.resolve("s3proxy.properties");
    try (OutputStream out = Files.newOutputStream(properties)) {
      props.store(out, "recsv test S3 server");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The bucket, made by its first request (a PUT of the bucket, as S3's CreateBucket).
    process = new ProcessBuilder(java, "-Xmx" + heapMib + "m", "-jar", jar().toString(), "--properties", properties.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
    awaitListening();
    createBucket();
  }

  private void createBucket() throws IOException {
    Configuration conf = conf(new Configuration());
    try (org.apache.hadoop.fs.s3a.S3AFileSystem fs = new org.apache.hadoop.fs.s3a.S3AFileSystem()) {
      conf.setInt("fs.s3a.bucket.probe", 0);  // no probe for a bucket that is not there yet
      fs.initialize(java.net.URI.create("s3a://" + BUCKET), conf);
      fs.getAmazonS3ClientForTesting("the test's bucket").createBucket(BUCKET);
    }
  }

  /** The s3a settings that reach this server: endpoint, credentials, path-style addressing, plain HTTP. */
  public Configuration conf(Configuration base) {
    Configuration conf = new Configuration(base);
    conf.set("fs.s3a.endpoint", "http://127.0.0.1:" + port);
    conf.set("fs.s3a.access.key", IDENTITY);
    conf.set("fs.s3a.secret.key", CREDENTIAL);
    conf.setBoolean("fs.s3a.path.style.access", true);
    conf.setBoolean("fs.s3a.connection.ssl.enabled", false);
    conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    conf.setInt("fs.s3a.attempts.maximum", 2);
    conf.setInt("fs.s3a.retry.limit", 2);
    // One client a test, closed by it: not the JVM-wide cache, which would outlive this server.
    conf.setBoolean("fs.s3a.impl.disable.cache", true);
    return conf;
  }

  /** The same settings as spark-submit's and recsv's -D options take them: key=value, one each. */
  public java.util.Map<String, String> settings() {
    java.util.Map<String, String> map = new java.util.TreeMap<>();
    Configuration only = conf(new Configuration(false));
    only.forEach(e -> map.put(e.getKey(), e.getValue()));
    return map;
  }

  public String uri(String key) {
    return "s3a://" + BUCKET + "/" + key;
  }

  /** The server's log, for a failure's message. */
  public String log() throws IOException {
    return Files.readString(dir.resolve("s3proxy.log"), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    FileUtil.fullyDelete(dir.toFile());
  }

  /** target/s3proxy/s3proxy.jar of the jobs module (Maven copies it there), or where recsv.s3proxy.jar says. */
  private static Path jar() {
    String set = System.getProperty("recsv.s3proxy.jar");
    // The tests run in a module below the repository (recsv.repo.root), the benchmarks from ./recsv (recsv.home).
    String repo = System.getProperty("recsv.repo.root", System.getProperty("recsv.home", ".."));
    Path jar = set != null ? Path.of(set) : Path.of(repo, "jobs", "target", "s3proxy", "s3proxy.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no S3Proxy jar at " + jar + ": build the jobs module (mvn -pl jobs"
          + " generate-test-resources copies it there)");
    }
    return jar;
  }

  /** Waits for the server's port: its start takes a few seconds, more on a loaded machine (no timing assumed). */
  private void awaitListening() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("S3Proxy exited with " + process.exitValue() + ": " + log());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted waiting for S3Proxy", e);
        }
      }
    }
    process.destroyForcibly();
    throw new IOException("S3Proxy did not listen on port " + port + " within 3 minutes: " + log());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
