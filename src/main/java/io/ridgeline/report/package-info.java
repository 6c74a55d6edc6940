/**
 * Reports: the Parquet tables' schemas ({@link io.ridgeline.report.Tables}), staged and published
 * together ({@link io.ridgeline.report.ReportWriter}), their text rendering, and the local file system
 * they are written through in local mode ({@link io.ridgeline.report.NioLocalFileSystem}). Imports
 * {@code config}, {@code cv} and {@code sweep}.
 */
package io.ridgeline.report;
