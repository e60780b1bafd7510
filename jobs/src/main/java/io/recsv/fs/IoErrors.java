package io.recsv.fs;

import io.recsv.config.UserError;
import java.nio.file.AccessDeniedException;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;

/**
 * File-system failures a user can fix — permission denied, no space left, a quota reached — turned into one
 * line that names the cause and, where known, the path. Anything else is not a user error and stays as it is.
 */
public final class IoErrors {

  private IoErrors() {}

  /** A {@link UserError} for {@code t} if its cause chain holds one of the fixable failures, else null. */
  public static UserError userErrorFor(Throwable t) {
    return userErrorFor(t, null);
  }

  /**
   * As {@link #userErrorFor(Throwable)}; where the failure's own message names no path (a full disk's "No space
   * left on device" never does), {@code where} says what was being written (null: nothing known).
   */
  public static UserError userErrorFor(Throwable t, String where) {
    for (Throwable c : ExceptionUtils.getThrowableList(t)) {
      String cause = cause(c);
      if (cause != null) {
        String message = firstLine(c.getMessage());
        boolean namesAPath = message.contains("/") || message.contains("\\");
        return new UserError(cause + (where == null || namesAPath ? "" : " while " + where) + ": " + message, t);
      }
    }
    return null;
  }

  /** "permission denied: ..." or the exception's own message, for a failure at {@code path}. */
  public static String describe(Throwable t, Path path) {
    for (Throwable c : ExceptionUtils.getThrowableList(t)) {
      String cause = cause(c);
      if (cause != null) {
        String message = firstLine(c.getMessage());
        return cause + (message.contains(path.toUri().getPath()) ? ": " + message : " (" + path + "): " + message);
      }
    }
    return firstLine(String.valueOf(t));
  }

  private static String cause(Throwable c) {
    String m = c.getMessage() == null ? "" : c.getMessage();
    if (c instanceof AccessControlException || c instanceof AccessDeniedException
        || m.contains("Permission denied")) {
      return "permission denied";
    }
    if (m.contains("No space left on device")) {
      return "no space left on device";
    }
    if (c.getClass().getSimpleName().endsWith("QuotaExceededException")) {
      return "quota exceeded";
    }
    return null;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
