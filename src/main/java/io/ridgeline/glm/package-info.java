/**
 * The generalized linear models (linear, binomial and multinomial logistic) on Spark MLlib: trainers that adapt {@code LinearRegression} and
 * {@code LogisticRegression} to the sweep, λ_max for placing regularization paths, and the fast engines
 * that solve MLlib's objectives exactly for a whole grid (Gaussian: from per-fold statistics; logistic:
 * IRLS passes with coordinate descent on the driver; wide: sparse row blocks with working-set passes or
 * coordinate descent in one task per training set), the memory plan that picks one
 * ({@code EnginePlan}), and the per-fold feature statistics all of them
 * use to hold constant features at 0 and to shift offsets away ({@code FeatureStats}). Imports
 * {@code config}, {@code data}, {@code cv} and {@code sweep}.
 */
package io.ridgeline.glm;
