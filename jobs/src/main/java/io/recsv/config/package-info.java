/**
 * Loading and checking the configuration: reference.conf, the stage's files, {@code -D} overrides; every key's
 * origin named in its errors.
 */
package io.recsv.config;
