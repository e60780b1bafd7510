package io.recsv.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recsv.config.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The compose plan against S3's rules, with small limits (min 100 bytes, max 1,000) so that every shape is reached:
 * every part but the last within them, the bytes of the CSV each exactly once and in order, and no byte through
 * the merge where copies can do.
 */
class ComposePlanTest {

  private static final long MIN = 100;
  private static final long MAX = 1000;

  private static Journal journal(boolean headerInFirstPart, long... sizes) {
    List<PlannedPart> parts = new ArrayList<>();
    long total = headerInFirstPart ? 0 : "h,e,ad\n".length();
    for (int i = 0; i < sizes.length; i++) {
      parts.add(new PlannedPart(i, "part-" + i, sizes[i], 128, 0, null));
      total += sizes[i];
    }
    return new Journal("run", "export", Strategy.COMPOSE, "test", "/parts", "/out.csv", "h,e,ad", 0, 0,
        sizes.length, total, "00000000", parts, 4, headerInFirstPart);
  }

  /** The rules, and the bytes each once in order (the header, then each part from its first byte to its last). */
  private static void assertLegal(Journal journal, ComposePlan plan) {
    List<ComposePlan.Segment> segments = plan.segments();
    int part = journal.headerInFirstPart() ? 0 : ComposePlan.Piece.HEADER;
    long offset = 0;
    long uploaded = 0;
    for (int i = 0; i < segments.size(); i++) {
      ComposePlan.Segment s = segments.get(i);
      assertEquals(i + 1, s.number());
      assertTrue(s.bytes() <= MAX, "segment " + s + " over the maximum");
      if (i < segments.size() - 1) {
        assertTrue(s.bytes() >= MIN, "segment " + s + " under the minimum, not last");
      }
      if (s.copied()) {
        assertEquals(1, s.pieces().size());
        assertTrue(s.pieces().get(0).part() >= 0, "the header is never a copy");
      } else {
        uploaded += s.bytes();
      }
      for (ComposePlan.Piece p : s.pieces()) {
        long length = part == ComposePlan.Piece.HEADER ? journal.headerLine().length
            : journal.parts().get(part).bytes();
        if (offset == length) {
          part++;
          offset = 0;
        }
        assertEquals(part, p.part(), "pieces in order: " + s);
        assertEquals(offset, p.offset(), "pieces contiguous: " + s);
        offset += p.length();
      }
    }
    assertEquals(journal.parts().size() - 1, part, "every part");
    assertEquals(journal.parts().get(part).bytes(), offset, "to the last byte");
    assertEquals(uploaded, plan.uploadedBytes());
  }

  @Test
  void partsWithinTheLimitsAreCopiedWholeAndNothingGoesThroughTheMerge() {
    Journal j = journal(true, 500, 100, 999, 1000, 3);
    ComposePlan plan = ComposePlan.of(j, MIN, MAX, 10_000);
    assertLegal(j, plan);
    assertEquals(5, plan.segments().size());
    assertTrue(plan.segments().stream().allMatch(s -> s.copiesWholePart(j.parts())));
    assertEquals(0, plan.uploadedBytes());
  }

  @Test
  void aPartOverTheMaximumIsCopiedInEvenRanges() {
    Journal j = journal(true, 2500, 400);
    ComposePlan plan = ComposePlan.of(j, MIN, MAX, 10_000);
    assertLegal(j, plan);
    assertEquals(List.of(833L, 833L, 834L, 400L), plan.segments().stream().map(ComposePlan.Segment::bytes).toList());
    assertEquals(0, plan.uploadedBytes());
  }

  @Test
  void smallPartsAreUploadedTogetherToppedUpFromTheNextAndTheRestOfItCopied() {
    Journal j = journal(true, 30, 20, 900, 10);
    ComposePlan plan = ComposePlan.of(j, MIN, MAX, 10_000);
    assertLegal(j, plan);
    assertEquals(MIN, plan.uploadedBytes(), "only what tops the small parts up to the minimum");
    assertEquals(List.of(false, true, true), plan.segments().stream().map(ComposePlan.Segment::copied).toList());
  }

  @Test
  void aHeaderNotInTheFirstPartGoesUpWithTheFirstBytesOfIt() {
    Journal j = journal(false, 700, 300);
    ComposePlan plan = ComposePlan.of(j, MIN, MAX, 10_000);
    assertLegal(j, plan);
    assertEquals(MIN, plan.uploadedBytes());
    assertEquals(ComposePlan.Piece.HEADER, plan.segments().get(0).pieces().get(0).part());
  }

  @Test
  void theHeaderOnlyCsvIsOneUploadedPart() {
    Journal j = journal(false);
    ComposePlan plan = ComposePlan.of(j, MIN, MAX, 10_000);
    assertEquals(1, plan.segments().size());
    assertEquals(j.headerLine().length, plan.uploadedBytes());
  }

  @Test
  void everyShapeIsLegal() {
    Random random = new Random(7);
    for (int trial = 0; trial < 2000; trial++) {
      long[] sizes = new long[1 + random.nextInt(12)];
      for (int i = 0; i < sizes.length; i++) {
        int kind = random.nextInt(4);
        sizes[i] = 1 + (kind == 0 ? random.nextInt(20) : kind == 1 ? random.nextInt(300) : random.nextInt(3500));
      }
      Journal j = journal(random.nextBoolean(), sizes);
      assertLegal(j, ComposePlan.of(j, MIN, MAX, 10_000));
    }
  }

  @Test
  void moreThanTheUploadsPartCountIsRefusedNamingTheSetting() {
    Journal j = journal(true, 500, 500, 500);
    UserError e = assertThrows(UserError.class, () -> ComposePlan.of(j, MIN, MAX, 2));
    assertTrue(e.getMessage().contains("export.parts"), e.getMessage());
  }
}
