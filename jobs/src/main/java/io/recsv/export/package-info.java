/**
 * Stage 5, export: the CSV's parts, written in parallel, each with its rows, users, bytes and CRC32C in the
 * export manifest.
 */
package io.recsv.export;
