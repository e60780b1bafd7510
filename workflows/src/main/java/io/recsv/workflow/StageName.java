package io.recsv.workflow;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The pipeline's stages, in the order the workflow runs them. A stage's {@link #id()} names its workflow action,
 * its output directory in a run and its config namespace; a test holds workflow.xml's actions to these.
 */
public enum StageName {
  PREPARE, EVALUATE, TRAIN, SCORE, EXPORT, MERGE;

  /** "prepare", ...: as the workflow, the run's directories and the config spell it. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The stage named {@code id}; an unknown name fails, listing the stages. */
  public static StageName of(String id) {
    for (StageName s : values()) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown stage '" + id + "'; stages: "
        + Arrays.stream(values()).map(StageName::id).collect(Collectors.joining(", ")));
  }

  /** The id, so that a stage reads in a message as users type it. */
  @Override
  public String toString() {
    return id();
  }
}
