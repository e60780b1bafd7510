package io.recsv.run;

import io.recsv.config.UserError;
import io.recsv.workflow.StageName;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The cluster's entry point refuses what it does not know before it reads a config or starts Spark. */
class StageMainTest {

  @Test
  void anUnknownOptionOrAStrayWordIsAOneLineUserError() {
    UserError option = assertThrows(UserError.class, () -> StageMain.run(StageName.TRAIN, new String[] {"--confg", "a.conf"},
        config -> {
          throw new AssertionError("no stage is made");
        }));
    assertTrue(option.getMessage().startsWith("train: Unknown option: '--confg'"), option.getMessage());
    UserError word = assertThrows(UserError.class, () -> StageMain.run(StageName.TRAIN, new String[] {"-D", "train.rank=4",
        "rank4"}, config -> {
          throw new AssertionError("no stage is made");
        }));
    assertTrue(word.getMessage().startsWith("train: unexpected argument 'rank4'"), word.getMessage());
  }
}
