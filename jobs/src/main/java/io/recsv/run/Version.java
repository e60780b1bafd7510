package io.recsv.run;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Which recsv this is: the jar's version and the commit it was built from (recorded at build time). */
public final class Version {

  private static final Properties GIT = load();

  private Version() {}

  /** The jar's Implementation-Version; "development" when run from classes (tests, an IDE). */
  public static String version() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v != null ? v : "development";
  }

  /** The abbreviated commit, "+dirty" when built from a changed tree; "unknown" when built outside git. */
  public static String commit() {
    String id = GIT.getProperty("git.commit.id.abbrev", "");
    if (id.isEmpty() || id.startsWith("${")) {
      return "unknown";
    }
    return id + ("true".equals(GIT.getProperty("git.dirty")) ? "+dirty" : "");
  }

  /** What {@code --version} prints. */
  public static String line() {
    return "recsv " + version() + " (commit " + commit() + ")";
  }

  /** {@link #line()} for picocli's {@code --version}, in every recsv command. */
  public static final class Provider implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {line()};
    }
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("/recsv-git.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // No build record: commit() says "unknown".
    }
    return p;
  }
}
