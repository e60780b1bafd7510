package io.recsv.config;

/**
 * A problem the user can fix (bad input, bad config key, output already there). Its message is complete on
 * its own and names the file, line or key; the launcher prints it as one line, without a stack trace.
 */
public class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
