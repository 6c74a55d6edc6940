/**
 * Cross-validation: fold assignment ({@link io.ridgeline.cv.FoldPlan}: groups never straddle folds),
 * scoring and metrics ({@link io.ridgeline.cv.Scorer}, {@link io.ridgeline.cv.Evaluation}, exact AUC by
 * a distributed sort in {@link io.ridgeline.cv.Auc}), fold statistics and the
 * selection rules. Imports {@code config} and {@code data}.
 */
package io.ridgeline.cv;
