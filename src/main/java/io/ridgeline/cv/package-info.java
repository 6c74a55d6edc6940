/**
 * Cross-validation: fold assignment ({@link io.ridgeline.cv.FoldPlan}), scoring and metrics
 * ({@link io.ridgeline.cv.Scorer}, {@link io.ridgeline.cv.Evaluation}), fold statistics and the
 * selection rules. Imports {@code config} and {@code data}.
 */
package io.ridgeline.cv;
