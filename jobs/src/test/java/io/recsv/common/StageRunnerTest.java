package io.recsv.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class StageRunnerTest {

  @Test
  void theEffectiveSettingsLineHasTheStagesOwnKeysAndHidesSecrets() {
    String line = StageRunner.effectiveSettings(ConfigFactory.parseString(
        "train { rank = 32, method = recsv, output = /x, s3-secret-key = abc }, score { k = 5 }"), "train");
    assertEquals("train.method=recsv, train.rank=32, train.s3-secret-key=(hidden)", line);
    assertEquals("no settings of its own", StageRunner.effectiveSettings(ConfigFactory.parseString("a = 1"), "merge"));
  }
}
