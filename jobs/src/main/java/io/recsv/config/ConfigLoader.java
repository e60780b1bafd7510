package io.recsv.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.apache.hadoop.conf.Configuration;

/**
 * Loads recsv's configuration: reference.conf, then each {@code --config} file in order, then command-line
 * overrides, each layer winning over the ones before it. Everything is checked before Spark starts: a key
 * that reference.conf does not define, or a value of the wrong type, is an error naming the key and the file
 * and line it came from.
 */
public final class ConfigLoader {

  /** Keys below this path are Spark's own properties, passed through unchecked. */
  static final String PASS_THROUGH = "spark.conf";

  /**
   * Hadoop's own namespaces: {@code -D dfs.replication=2} on the command line goes to the Hadoop configuration
   * (as Spark's {@code spark.hadoop.dfs.replication}), as {@code hadoop -D} takes it. recsv's own keys live
   * under run, prepare, train, score, export, merge and spark, so the two never meet.
   */
  static final Set<String> HADOOP_NAMESPACES = Set.of("fs", "dfs", "hadoop", "yarn", "mapreduce", "ipc", "io", "ha");

  private ConfigLoader() {}

  public static Config load(List<String> files, List<String> overrides) {
    Config referenceLayer = ConfigFactory.parseResources("reference.conf");
    Config reference = referenceLayer.resolve();
    Config user = ConfigFactory.empty();
    for (String override : overrides) {
      user = parseOverride(override).withFallback(user);
    }
    for (int i = files.size() - 1; i >= 0; i--) {
      user = user.withFallback(parseFile(files.get(i)));
    }
    rejectUnknownKeys(user, reference);
    Config resolved;
    try {
      resolved = user.withFallback(referenceLayer).resolve();
      resolved.checkValid(reference);
    } catch (ConfigException e) {
      throw new UserError("config: " + e.getMessage(), e);
    }
    checkTypes(resolved, reference);
    return resolved;
  }

  /** {@code key=value} from the command line; a value is a string that converts on typed reads. */
  static Config parseOverride(String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new UserError("config override '" + override + "' is not key=value");
    }
    String key = override.substring(0, eq).trim();
    String value = override.substring(eq + 1);
    String path = key;
    if (key.startsWith(PASS_THROUGH + ".")) {
      path = ConfigUtil.joinPath("spark", "conf", key.substring(PASS_THROUGH.length() + 1));
    } else if (key.indexOf('.') > 0 && HADOOP_NAMESPACES.contains(key.substring(0, key.indexOf('.')))) {
      path = ConfigUtil.joinPath("spark", "conf", "spark.hadoop." + key);
    }
    try {
      return ConfigFactory.empty("command line").withValue(path,
          ConfigValueFactory.fromAnyRef(value, "command-line override " + key));
    } catch (ConfigException e) {
      throw new UserError("config override '" + override + "': " + e.getMessage(), e);
    }
  }

  private static Config parseFile(String name) {
    if (UserPaths.isUri(name) && !name.startsWith("file:")) {
      return parseHadoopFile(name);
    }
    File file = new File(name.startsWith("file:") ? new org.apache.hadoop.fs.Path(name).toUri().getPath() : name);
    if (!file.isFile()) {
      throw new UserError("config file " + name + " does not exist");
    }
    try {
      return ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new UserError("config file " + name + ": " + e.getMessage(), e);
    }
  }

  /** A config file on HDFS or any Hadoop file system, read with the cluster's configuration from the classpath. */
  private static Config parseHadoopFile(String name) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(name);
    try (Reader in = new InputStreamReader(path.getFileSystem(new Configuration()).open(path), StandardCharsets.UTF_8)) {
      return ConfigFactory.parseReader(in, ConfigParseOptions.defaults().setOriginDescription(name));
    } catch (FileNotFoundException e) {
      throw new UserError("config file " + name + " does not exist");
    } catch (IOException e) {
      throw new UserError("config file " + name + ": cannot read it: " + e.getMessage(), e);
    } catch (ConfigException e) {
      throw new UserError("config file " + name + ": " + e.getMessage(), e);
    }
  }

  /** Walks the user's layers without resolving them (their substitutions may point into reference.conf). */
  private static void rejectUnknownKeys(Config user, Config reference) {
    rejectUnknownKeys(user.root(), "", reference);
  }

  private static void rejectUnknownKeys(ConfigObject object, String prefix, Config reference) {
    for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
      String key = prefix.isEmpty() ? ConfigUtil.quoteString(entry.getKey()) : prefix + "." + ConfigUtil.quoteString(entry.getKey());
      key = ConfigUtil.joinPath(ConfigUtil.splitPath(key));
      if (key.equals(PASS_THROUGH) || key.startsWith(PASS_THROUGH + ".")) {
        continue;
      }
      if (entry.getValue() instanceof ConfigObject child && reference.hasPath(key)
          && reference.getValue(key) instanceof ConfigObject) {
        rejectUnknownKeys(child, key, reference);
        continue;
      }
      if (reference.hasPathOrNull(key)) {
        continue;
      }
      ConfigValue value = entry.getValue();
      while (value instanceof ConfigObject child && !child.isEmpty()) {  // name the full key, not its section
        String first = child.keySet().stream().sorted().findFirst().orElseThrow();
        key = key + "." + ConfigUtil.quoteString(first);
        value = child.get(first);
      }
      key = ConfigUtil.joinPath(ConfigUtil.splitPath(key));
      String suggestion = closest(key, reference);
      throw new UserError("unknown config key '" + key + "' " + where(value.origin())
          + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)")
          + "; every key is listed in reference.conf");
    }
  }

  /**
   * Typesafe Config accepts a string for any type and converts on read; read every number and boolean now so
   * that {@code train.rank = ten} fails at start, with its origin, and not an hour into the run.
   */
  private static void checkTypes(Config config, Config reference) {
    Map<java.net.URL, List<String>> referenceFiles = new java.util.HashMap<>();
    for (Map.Entry<String, ConfigValue> entry : reference.entrySet()) {
      String key = entry.getKey();
      ConfigValueType type = entry.getValue().valueType();
      try {
        if (type == ConfigValueType.NUMBER) {
          Number value = config.getNumber(key);
          boolean integral = (entry.getValue().unwrapped() instanceof Integer
              || entry.getValue().unwrapped() instanceof Long)
              && !writtenAsFraction(entry.getValue().origin(), referenceFiles);
          if (integral && !(value instanceof Integer || value instanceof Long)) {
            // Typesafe Config would truncate 1.5 to 1 on getInt: an integer key takes whole numbers only.
            throw new UserError("config key '" + key + "' " + where(config.getValue(key).origin())
                + " must be a whole number, got '" + config.getValue(key).unwrapped() + "'");
          }
        } else if (type == ConfigValueType.BOOLEAN) {
          config.getBoolean(key);
        }
      } catch (ConfigException.WrongType e) {
        throw new UserError("config key '" + key + "' " + where(config.getValue(key).origin())
            + " must be a " + type.name().toLowerCase() + ", got '" + config.getValue(key).unwrapped() + "'", e);
      }
    }
  }

  /**
   * Whether reference.conf writes the value at {@code origin} with a decimal point ({@code alpha = 1.0}): Typesafe
   * Config holds 1.0 as the integer 1 and forgets how it was written, but the key takes fractions.
   */
  private static boolean writtenAsFraction(ConfigOrigin origin, Map<java.net.URL, List<String>> files) {
    if (origin.url() == null || origin.lineNumber() < 1) {
      return false;
    }
    List<String> lines = files.computeIfAbsent(origin.url(), url -> {
      try (java.io.BufferedReader in = new java.io.BufferedReader(
          new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
        return in.lines().toList();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot read " + url, e);
      }
    });
    return origin.lineNumber() <= lines.size()
        && lines.get(origin.lineNumber() - 1).matches("[^#]*[=:]\\s*[-+]?[0-9]*\\.[0-9].*");
  }

  static String where(ConfigOrigin origin) {
    if (origin.filename() != null) {
      return "in " + origin.filename() + (origin.lineNumber() > 0 ? ":" + origin.lineNumber() : "");
    }
    return "from " + origin.description();
  }

  private static String closest(String key, Config reference) {
    Set<String> known = new TreeSet<>(reference.entrySet().stream().map(Map.Entry::getKey).toList());
    String best = null;
    int bestDistance = 4;
    for (String candidate : known) {
      int d = LevenshteinDistance.getDefaultInstance().apply(key, candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best;
  }
}
