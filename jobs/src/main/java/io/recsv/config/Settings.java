package io.recsv.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Typed reads for a stage's constructor, each turning a bad value into a {@link UserError} that names the
 * key and where it was set. Stages read all their keys up front, so a bad value fails before any work.
 */
public final class Settings {

  private final Config config;

  public Settings(Config config) {
    this.config = config;
  }

  public Config config() {
    return config;
  }

  public String string(String key) {
    return config.getString(key);
  }

  public String requiredString(String key) {
    String value = config.getString(key).trim();
    if (value.isEmpty()) {
      throw new UserError("config key '" + key + "' must be set (e.g. -D " + key + "=...)");
    }
    return value;
  }

  public boolean bool(String key) {
    return config.getBoolean(key);
  }

  public int intAtLeast(String key, int min) {
    int value;
    try {
      value = config.getInt(key);
    } catch (ConfigException e) {
      throw bad(key, "must be an integer");
    }
    if (value < min) {
      throw bad(key, "must be at least " + min);
    }
    return value;
  }

  /** An integer from {@code min} to {@code max}; {@code why} says why the bound (named in the refusal). */
  public int intBetween(String key, int min, int max, String why) {
    int value = intAtLeast(key, min);
    if (value > max) {
      throw bad(key, String.format("must be at most %,d (%s)", max, why));
    }
    return value;
  }

  public double doubleAtLeast(String key, double min) {
    double value = config.getDouble(key);
    if (!(value >= min) || Double.isInfinite(value)) {
      throw bad(key, "must be a finite number >= " + min);
    }
    return value;
  }

  public long longValue(String key) {
    return config.getLong(key);
  }

  public String oneOf(String key, String... allowed) {
    String value = config.getString(key).trim();
    if (!Arrays.asList(allowed).contains(value)) {
      throw bad(key, "must be one of " + String.join(" | ", allowed));
    }
    return value;
  }

  /** An enum constant, written in the config in lower case with dashes ({@code BLOCKED_SCAN} as blocked-scan). */
  public <E extends Enum<E>> E enumValue(String key, Class<E> type) {
    String value = config.getString(key).trim();
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      String name = e.name().toLowerCase(Locale.ROOT).replace('_', '-');
      if (name.equals(value)) {
        return e;
      }
      names.add(name);
    }
    throw bad(key, "must be one of " + String.join(" | ", names));
  }

  /** A duration such as {@code 10 minutes} or {@code 30s}, at least {@code min}. */
  public java.time.Duration durationAtLeast(String key, java.time.Duration min) {
    java.time.Duration value;
    try {
      value = config.getDuration(key);
    } catch (ConfigException e) {
      throw bad(key, "must be a duration such as '10 minutes' or '30s'");
    }
    if (value.compareTo(min) < 0) {
      throw bad(key, "must be at least " + min.toSeconds() + " s");
    }
    return value;
  }

  /** The error for a value that breaks {@code rule}, naming the key, where it was set and the value. */
  public UserError bad(String key, String rule) {
    return new UserError("config key '" + key + "' " + ConfigLoader.where(config.getValue(key).origin())
        + " " + rule + ", got '" + config.getValue(key).unwrapped() + "'");
  }
}
