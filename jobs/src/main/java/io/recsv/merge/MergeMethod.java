package io.recsv.merge;

import java.io.IOException;
import java.util.List;

/**
 * A way of making the merged file (concat, compose or copy), as transitions between {@link MergeStep}s: from the journaled
 * plan ({@link MergeStep#PLANNED}) to the verified file under its final name ({@link MergeStep#PUBLISHED}). Each
 * transition is one function; a crash between any two leaves a state {@link #whereItStopped} recognises.
 */
interface MergeMethod {

  static MergeMethod of(Strategy strategy, org.apache.hadoop.conf.Configuration conf) {
    return switch (strategy) {
      case CONCAT -> new ConcatMerge();
      case COMPOSE -> new ComposeMerge();
      case COPY -> new CopyMerge(conf);
      case AUTO -> throw new IllegalArgumentException("a journal holds the strategy chosen, never auto");
    };
  }

  /** What it writes into the staging directory together with the journal, before anything is moved. */
  List<Concurrently.Task> stage(MergeRun run);

  /** Where an interrupted attempt stopped, from the staging directory and the target: the last step reached. */
  MergeStep whereItStopped(MergeRun run) throws IOException;

  /** Takes the merge one step on from {@code from} (before PUBLISHED) and returns the step reached. */
  MergeStep next(MergeStep from, MergeRun run) throws IOException;
}
