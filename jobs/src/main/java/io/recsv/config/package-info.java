/**
 * What a user gives recsv, and what it says back: the configuration (reference.conf, the stage's files, {@code -D}
 * overrides; every key's origin named in its errors), the paths typed on a command line, and {@link
 * io.recsv.config.UserError}, the one-line error for a mistake the user can fix. Every other package stands on it;
 * it stands on none of them.
 */
package io.recsv.config;
