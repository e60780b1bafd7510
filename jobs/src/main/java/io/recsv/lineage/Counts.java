package io.recsv.lineage;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.recsv.config.UserError;
import io.recsv.workflow.StageName;

/**
 * What a stage's output holds, counted as it was written; null where a count does not apply to the stage.
 * {@code rows}: its records (prepare: (user, product) pairs; score and export: recommendations);
 * {@code usersWithEveryProduct}: prepare's users who interacted with the whole catalogue, for whom nothing is
 * left to recommend when seen products are excluded. The next stage checks its own counts against these.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Counts(Long rows, Long users, Long products, Long usersWithEveryProduct) {
  static final Counts NONE = new Counts(null, null, null, null);

  /**
   * Fails unless {@code made}, this consumer's count of {@code what}, is {@code expected} (from {@code source},
   * the output it was made from, as {@code because} explains): a stage that lost records must not publish.
   */
  public static void requireChained(StageName consumer, String what, long made, long expected, Lineage source,
      String because, StageName rerunFrom) {
    if (made != expected) {
      throw new UserError(String.format("%s made %,d %s, but %s should give %,d%s; nothing was published; rerun"
          + " from '%s' (./recsv run ... --from %s)", consumer, made, what, source.describe(), expected,
          because.isEmpty() ? "" : " (" + because + ")", rerunFrom, rerunFrom));
    }
  }
}
