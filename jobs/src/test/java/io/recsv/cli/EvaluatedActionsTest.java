package io.recsv.cli;

import io.recsv.workflow.StageName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.recsv.TestSpark;
import io.recsv.lineage.RunLayout;
import io.recsv.config.UserError;
import io.recsv.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The arguments Oozie gives each spark action are enough to run its stage: each stage's config is built from
 * exactly the evaluated {@code <arg>}s and {@code <file>}s of its action (as Oozie 5.2.1 evaluates them for a
 * week, recorded by the engine tests in workflows/recommendations/evaluated-actions.txt), and the stage is
 * constructed from it, validating every key it reads.
 */
class EvaluatedActionsTest {

  private final Path repo = TestSpark.repoRoot();

  /** An action as evaluated: its class, its {@code <file>}s (app path → link name) and its {@code <arg>}s. */
  private record Action(String stage, String mainClass, Map<String, String> files, List<String> args) {}

  private List<Action> actions() throws Exception {
    List<Action> actions = new ArrayList<>();
    String stage = null;
    String mainClass = null;
    Map<String, String> files = null;
    List<String> args = null;
    for (String line : Files.readAllLines(repo.resolve("workflows/recommendations/evaluated-actions.txt"))) {
      if (line.startsWith("[")) {
        if (stage != null) {
          actions.add(new Action(stage, mainClass, files, args));
        }
        stage = line.substring(1, line.length() - 1);
        files = new LinkedHashMap<>();
        args = new ArrayList<>();
      } else if (line.startsWith("class=")) {
        mainClass = line.substring("class=".length());
      } else if (line.startsWith("file=")) {
        String file = line.substring("file=".length());
        files.put(file.substring(file.indexOf('#') + 1), file.substring(0, file.indexOf('#')));
      } else if (line.startsWith("arg=")) {
        args.add(line.substring("arg=".length()));
      }
    }
    actions.add(new Action(stage, mainClass, files, args));
    return actions;
  }

  /** The config the stage's main builds from these arguments, its {@code --config} files found by link name. */
  private Config config(Action action, List<String> args) {
    List<String> files = new ArrayList<>();
    List<String> overrides = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--config")) {
        String link = args.get(++i);
        String shipped = action.files().get(link);
        assertTrue(shipped != null, action.stage() + ": --config " + link + " is shipped with <file>");
        files.add(repo.resolve(shipped.replace("${appPath}/", "")).toString());
      } else {
        overrides.add(args.get(i));
      }
    }
    return ConfigLoader.load(files, overrides);
  }

  @Test
  void eachStageIsBuiltFromExactlyTheArgumentsOozieGivesItsAction() throws Exception {
    List<Action> actions = actions();
    assertEquals(new LocalPipeline(repo).stageNames(), actions.stream().map(a -> StageName.of(a.stage())).toList());
    for (Action action : actions) {
      assertEquals(Stages.mainClass(StageName.of(action.stage())).getName(), action.mainClass(), action.stage());
      Config config = config(action, action.args());
      Stages.create(StageName.of(action.stage()), config);  // validates every key the stage reads
      RunLayout layout = RunLayout.of(config);
      assertEquals("2026-11-30", layout.runId(), action.stage());
      assertEquals("/data/recsv/published/2026-11-30/recommendations.csv", layout.published().toUri().getPath());
    }
    Config prepare = config(actions.get(0), actions.get(0).args());
    assertEquals("file:///data/interactions/2026-11-30", prepare.getString("prepare.input"));
    assertFalse(prepare.getBoolean("merge.overwrite"), "prepare's preflight knows merge's setting");
  }

  @Test
  void withoutTheInputArgumentPrepareCouldNotBeBuilt() throws Exception {
    Action prepare = actions().get(0);
    List<String> args = new ArrayList<>(prepare.args());
    assertTrue(args.removeIf(a -> a.startsWith("prepare.input=")));
    UserError e = assertThrows(UserError.class, () -> Stages.create(StageName.PREPARE, config(prepare, args)));
    assertEquals("config key 'prepare.input' must be set (e.g. -D prepare.input=...)", e.getMessage());
  }
}
