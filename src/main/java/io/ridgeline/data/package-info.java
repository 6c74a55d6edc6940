/**
 * Loading and checking input data: csv, parquet or libsvm from any Hadoop path; categorical levels;
 * the feature stages (standard Spark ML stages, reused by the saved model); label/weight checks;
 * quoted references to user-named columns; vector functions that touch only stored entries.
 * Imports {@code config} only; produces {@link io.ridgeline.data.LabeledData}.
 */
package io.ridgeline.data;
