/**
 * Linear and logistic families on Spark MLlib: trainers that adapt {@code LinearRegression} and
 * {@code LogisticRegression} to the sweep, and λ_max for placing regularization paths. Imports
 * {@code config}, {@code data}, {@code cv} and {@code sweep}.
 */
package io.ridgeline.linear;
