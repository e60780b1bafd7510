/**
 * The statistics each stage records beside its output, and the run's report (JSON and a self-contained HTML
 * page) made from them.
 */
package io.recsv.report;
