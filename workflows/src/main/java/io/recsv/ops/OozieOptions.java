package io.recsv.ops;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.oozie.client.AuthOozieClient;
import org.apache.oozie.client.OozieClient;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options {@code recsv oozie}'s commands share, as mixins. */
final class OozieOptions {

  private OozieOptions() {}

  /** The Oozie server and how to authenticate to it, as Oozie's own CLI takes them. */
  static final class Server {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = {"--oozie", "-oozie"}, paramLabel = "URL",
        description = "the Oozie server (default: $OOZIE_URL)")
    String url;

    @Option(names = "-auth", paramLabel = "KERBEROS|SIMPLE|BASIC",
        description = "as Oozie's CLI (default: Kerberos SPNEGO, simple if the server allows)")
    String auth;

    /** --oozie, else OOZIE_URL, as Oozie's own CLI. */
    String url(Map<String, String> env) {
      String found = url != null ? url : env.get("OOZIE_URL");
      if (found == null || found.isBlank()) {
        throw new IllegalArgumentException(command.name() + " needs the Oozie URL: --oozie URL, or the OOZIE_URL"
            + " environment variable");
      }
      return found;
    }

    /**
     * -auth KERBEROS | SIMPLE | BASIC; by default (null) Kerberos SPNEGO, which falls back to simple authentication
     * when the server does not ask for it (kinit first on a secured cluster).
     */
    String auth() {
      if (auth != null && !List.of("KERBEROS", "SIMPLE", "BASIC").contains(auth.toUpperCase(Locale.ROOT))) {
        throw new IllegalArgumentException("-auth takes KERBEROS, SIMPLE or BASIC, got '" + auth + "'");
      }
      return auth == null ? null : auth.toUpperCase(Locale.ROOT);
    }

    /**
     * The operations, through Oozie's authenticating client, printing to standard output; first, one connection
     * to the server, so that a server that is down is one line at once, not the client's retries for a quarter of
     * a minute and a Kerberos stack trace.
     */
    OozieOps ops() {
      String server = url(System.getenv());
      requireReachable(server, PROBE_TIMEOUT_MS);
      OozieClient client = client(server, auth());
      return new OozieOps(client, client, System.out);
    }

    /** How long a connection to the server may take to open: a server that is up answers in far less. */
    static final int PROBE_TIMEOUT_MS = 5_000;

    /** Opens (and closes) a TCP connection to the server of {@code url}; else says it cannot be reached. */
    static void requireReachable(String url, int timeoutMs) {
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("the Oozie URL '" + url + "' is not a URL: " + e.getMessage());
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("the Oozie URL '" + url + "' names no host (e.g. http://host:11000/oozie)");
      }
      int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(uri.getHost(), port), timeoutMs);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot reach the Oozie server at " + url + " (" + e.getMessage()
            + "): is it up, and is this its URL? (--oozie, or OOZIE_URL)");
      }
    }

    /** Oozie's authenticating client (Kerberos SPNEGO, simple or basic), as its CLI uses. */
    static OozieClient client(String url, String auth) {
      return new AuthOozieClient(url, auth);
    }
  }

  /** {@code -D key=value}: job properties added or overridden. */
  static final class Overrides {

    @Option(names = "-D", paramLabel = "key=value", description = "add or override a job property; may repeat")
    final List<String> keyValues = new ArrayList<>();

    Properties properties() {
      Properties overrides = new Properties();
      for (String kv : keyValues) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("-D takes key=value, got '" + kv + "'");
        }
        overrides.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
      }
      return overrides;
    }
  }

  /** The job's properties file, with the -D overrides over it and the submitting user when it names none. */
  static final class Job {

    @Option(names = {"--properties", "-config"}, paramLabel = "FILE", required = true,
        description = "the job's properties")
    Path file;

    Properties load(Overrides overrides) throws IOException {
      Properties props = new Properties();
      try (Reader in = Files.newBufferedReader(file)) {
        props.load(in);
      } catch (IOException e) {
        throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
      }
      props.putAll(overrides.properties());
      props.putIfAbsent(OozieClient.USER_NAME, System.getProperty("user.name"));
      return props;
    }
  }

  /** {@code --release V}: the job pinned to a deployed release rather than the application path's current one. */
  static final class Release {

    @Option(names = "--release", paramLabel = "V", description = "pin it to release V")
    String version;

    Properties pin(Properties job) {
      return version == null ? job : Releases.pin(job, Releases.dir(job.getProperty("appPath", ""), version));
    }
  }
}
