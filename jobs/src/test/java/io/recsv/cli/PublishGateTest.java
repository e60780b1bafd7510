package io.recsv.cli;

import io.recsv.generate.Generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.TestSpark;
import io.recsv.config.UserError;
import io.recsv.merge.CsvManifest;
import io.recsv.workflow.GateVerdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A week the quality gate refuses: the run stops before export and publishes nothing; merge alone refuses it too;
 * on-call's override (evaluate.gate.force) publishes it, and the manifest and the report say it was forced.
 */
class PublishGateTest {

  @TempDir
  Path dir;

  private int launch(Path work, String... args) throws Exception {
    // A gate no model can pass: NDCG at least 1000 x the popularity baseline's, judged on every evaluated user.
    List<String> all = new ArrayList<>(List.of(args[0], "--work", work.toString(), "-D", "score.k=5",
        "-D", "train.rank=3", "-D", "train.max-iter=2", "-D", "spark.master=local[2]",
        "-D", "evaluate.gate.min-users=1", "-D", "evaluate.gate.min-ndcg-vs-popularity=1000"));
    all.addAll(Arrays.asList(args).subList(1, args.length));
    return MainAccess.run(all.toArray(String[]::new));
  }

  @Test
  void aRefusedWeekIsPublishedOnlyWhenOnCallForcesItAndTheManifestSaysSo() throws Exception {
    TestSpark.get();
    Path input = dir.resolve("in.csv");
    new Generator(300, 40, 8, 3).write(new Configuration(), input.toString());
    Path work = dir.resolve("work");
    Path csv = dir.resolve("out/recs.csv");

    UserError refused = assertThrows(UserError.class, () -> launch(work, "run", "--input", input.toString(),
        "--output", csv.toString()));
    assertTrue(refused.getMessage().startsWith("the quality gate refused run manual, nothing was published: ndcg@5"),
        refused.getMessage());
    assertTrue(refused.getMessage().endsWith("to publish it anyway: rerun from train with -D"
        + " evaluate.gate.force=true)"), refused.getMessage());
    assertFalse(Files.exists(work.resolve("manual/train")), "the run stopped before train");
    assertFalse(Files.exists(csv));

    // Each stage alone (not gated: debugging), then merge alone: the merge asks the same gate, and refuses the same
    // way.
    for (String stage : List.of("train", "score", "export")) {
      assertEquals(0, launch(work, "stage", stage), stage);
    }
    UserError merge = assertThrows(UserError.class, () -> launch(work, "stage", "merge", "--output",
        csv.toString()));
    assertEquals(refused.getMessage(), merge.getMessage());
    assertFalse(Files.exists(csv));

    assertEquals(0, launch(work, "run", "--input", input.toString(), "--output", csv.toString(), "--from", "train",
        "-D", "evaluate.gate.force=true"));
    FileSystem fs = FileSystem.getLocal(new Configuration());
    CsvManifest manifest = CsvManifest.readIfExists(fs, new org.apache.hadoop.fs.Path(csv.toUri()));
    assertEquals(GateVerdict.Verdict.FAIL, manifest.evaluation().metrics().gate().verdict(),
        "the verdict is the model's");
    assertTrue(manifest.evaluation().publishedDespiteGate(), "and the week was published by force");
    assertTrue(Files.readString(Path.of(csv + ".report.json")).contains("\"publishedDespiteGate\" : true"));
  }
}
