package io.recsv.ops;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Properties;
import org.apache.oozie.client.OozieClient;

/**
 * Immutable, versioned releases of the Oozie application: {@code <root>/releases/<version>/}, each a complete app
 * (workflow, coordinator, configs, jar) that is never written again. A coordinator is pinned to one release: its
 * {@code appPath} is that release, so every week it starts, and every action of that week (Oozie re-reads
 * {@code <jar>} and {@code <file>} at each action), runs on that release alone, whatever is deployed meanwhile.
 * Moving a live coordinator to another release (a rollback, or an upgrade) changes only the weeks it starts
 * afterwards.
 */
public final class Releases {

  static final String DIR = "releases";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private Releases() {}

  /** A new release's version: the project's version and the UTC time of the deploy. */
  static String newVersion(String projectVersion, ZonedDateTime now) {
    return projectVersion + "-" + STAMP.format(now.withZoneSameInstant(ZoneOffset.UTC));
  }

  /** Where {@code version} lives under the application root. */
  public static String dir(String root, String version) {
    if (!version.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("a release version is letters, digits, '.', '_' and '-', got '" + version + "'");
    }
    return stripSlash(root) + "/" + DIR + "/" + version;
  }

  /**
   * The job properties with the coordinator (or workflow) pinned to {@code release}'s directory: appPath is the
   * release, and the application path keeps its place inside the app (coordinator.xml, or retention/...).
   */
  public static Properties pin(Properties job, String releaseDir) {
    Properties pinned = new Properties();
    pinned.putAll(job);
    pinned.setProperty("appPath", releaseDir);
    String key = job.getProperty(OozieClient.COORDINATOR_APP_PATH) != null ? OozieClient.COORDINATOR_APP_PATH
        : OozieClient.APP_PATH;
    pinned.setProperty(key, releaseDir + inApp(job.getProperty(key), job.getProperty("appPath", ""), key));
    return pinned;
  }

  /** Where {@code path} lies inside the app: after ${appPath} or the old appPath; the default file if unset. */
  private static String inApp(String path, String appPath, String key) {
    String defaultFile = key.equals(OozieClient.COORDINATOR_APP_PATH) ? "/coordinator.xml" : "";
    if (path == null) {
      return defaultFile;
    }
    if (path.contains("${appPath}")) {
      return path.substring(path.indexOf("${appPath}") + "${appPath}".length());
    }
    if (!appPath.isEmpty() && path.startsWith(appPath)) {
      return path.substring(appPath.length());
    }
    throw new IllegalArgumentException(key + " = " + path + " is not inside appPath " + appPath
        + "; write it as ${appPath}/... to pin it to a release");
  }

  /** A coordinator's stored configuration (Oozie's XML) as properties, to update it whole. */
  static Properties fromXml(String xml) {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
    conf.addResource(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    Properties props = new Properties();
    for (Map.Entry<String, String> e : conf) {
      props.setProperty(e.getKey(), conf.getRaw(e.getKey()));
    }
    return props;
  }

  /** The release directory a coordinator runs on, from its configuration; null if it is not pinned to one. */
  static String releaseOf(Properties conf) {
    String app = conf.getProperty("appPath", "");
    return app.contains("/" + DIR + "/") ? app : null;
  }

  /** A deployed release: its directory and when it was written. */
  record Deployed(String dir, long modified) {}

  /**
   * The releases to delete to keep the newest {@code keep}: never one that {@code inUse} (a live coordinator's),
   * so a coordinator never loses the release it runs on.
   */
  static java.util.List<String> prune(java.util.List<Deployed> releases, int keep, java.util.Set<String> inUse) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least 1 release, got " + keep);
    }
    java.util.List<Deployed> newestFirst = new java.util.ArrayList<>(releases);
    newestFirst.sort(java.util.Comparator.comparingLong(Deployed::modified).reversed());
    java.util.List<String> delete = new java.util.ArrayList<>();
    for (int i = keep; i < newestFirst.size(); i++) {
      if (!inUse.contains(newestFirst.get(i).dir())) {
        delete.add(newestFirst.get(i).dir());
      }
    }
    return delete;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
