package io.recsv.merge;

import io.recsv.config.UserError;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of the multipart upload that composes the CSV on S3, in order. Each is a server-side copy of an export
 * part (or of a range of one over S3's largest part), or, only where S3's smallest part size leaves no other way,
 * bytes the merge uploads itself: a run of parts below 5 MiB, topped up from the next part's first bytes. Export
 * sizes its parts so that none is needed ({@link io.recsv.fs.ServerSideCompose#partsFor}); a header the export did
 * not put into part 0 is one (with the first 5 MiB of part 0). Deterministic: a resumed merge plans the same.
 */
record ComposePlan(List<Segment> segments, long uploadedBytes) {

  /** Bytes of the CSV: the header (part = HEADER) or a range of the export part of that index in the journal. */
  record Piece(int part, long offset, long length) {
    static final int HEADER = -1;
  }

  /** One part of the multipart upload (number from 1): a copy of its one piece, or an upload of its pieces. */
  record Segment(int number, boolean copied, List<Piece> pieces) {
    long bytes() {
      return pieces.stream().mapToLong(Piece::length).sum();
    }

    /** A copy of a whole export part: S3's ETag of it is the MD5 export computed. */
    boolean copiesWholePart(List<PlannedPart> parts) {
      Piece only = pieces.get(0);
      return copied && only.offset() == 0 && only.length() == parts.get(only.part()).bytes();
    }
  }

  static ComposePlan of(Journal journal, long minPart, long maxPart, int maxParts) {
    List<Piece> sources = new ArrayList<>();
    byte[] header = journal.headerLine();
    if (header.length > 0) {
      sources.add(new Piece(Piece.HEADER, 0, header.length));
    }
    List<PlannedPart> parts = journal.parts();
    for (int i = 0; i < parts.size(); i++) {
      sources.add(new Piece(i, 0, parts.get(i).bytes()));
    }
    Builder plan = new Builder(minPart, maxPart);
    for (int i = 0; i < sources.size(); i++) {
      plan.add(sources.get(i), i == sources.size() - 1);
    }
    plan.flushUpload();
    if (plan.segments.size() > maxParts) {
      throw new UserError(String.format("composing the CSV on S3 takes %,d parts, more than the %,d of one multipart"
          + " upload: export fewer parts (export.parts) and re-run 'export' and 'merge'", plan.segments.size(),
          maxParts));
    }
    return new ComposePlan(List.copyOf(plan.segments), plan.uploaded);
  }

  private static final class Builder {
    final long min;
    final long max;
    final List<Segment> segments = new ArrayList<>();
    final List<Piece> upload = new ArrayList<>();
    long uploadBytes;
    long uploaded;

    Builder(long min, long max) {
      this.min = min;
      this.max = max;
    }

    void add(Piece source, boolean last) {
      long offset = source.offset();
      long length = source.length();
      if (uploadBytes > 0) {  // top the pending upload up to S3's minimum from this source's first bytes
        long take = Math.min(length, min - uploadBytes);
        if (length - take > 0 && length - take < min && !last) {
          take = length;  // what would remain is too small to be a part of its own
        }
        upload.add(new Piece(source.part(), offset, take));
        uploadBytes += take;
        offset += take;
        length -= take;
        if (uploadBytes >= min) {
          flushUpload();
        }
      }
      if (length == 0) {
        return;
      }
      if ((length < min && !last) || source.part() == Piece.HEADER) {
        upload.add(new Piece(source.part(), offset, length));
        uploadBytes += length;
        return;
      }
      long ranges = (length + max - 1) / max;
      for (long r = 0; r < ranges; r++) {
        long from = offset + length * r / ranges;
        long to = offset + length * (r + 1) / ranges;
        segments.add(new Segment(segments.size() + 1, true, List.of(new Piece(source.part(), from, to - from))));
      }
    }

    void flushUpload() {
      if (!upload.isEmpty()) {
        segments.add(new Segment(segments.size() + 1, false, List.copyOf(upload)));
        uploaded += uploadBytes;
        upload.clear();
        uploadBytes = 0;
      }
    }
  }
}
