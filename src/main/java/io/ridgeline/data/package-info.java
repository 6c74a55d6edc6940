/**
 * Loading and checking input data: csv, parquet or libsvm from any Hadoop path, feature assembly,
 * label/weight checks. Imports {@code config} only; produces {@link io.ridgeline.data.LabeledData}.
 */
package io.ridgeline.data;
