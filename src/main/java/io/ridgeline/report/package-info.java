/**
 * Reports: the Parquet tables' schemas ({@link io.ridgeline.report.Tables}), staged and published
 * together ({@link io.ridgeline.report.ReportWriter}), and their text rendering. Imports
 * {@code config}, {@code cv} and {@code sweep}.
 */
package io.ridgeline.report;
