/**
 * The sweep: grid points (and the seeded {@link io.ridgeline.sweep.Sampler} of random search), the
 * trainer contracts, work units and the concurrent runner with job labels and progress, the records a
 * run resumes from, and successive halving ({@link io.ridgeline.sweep.Halving},
 * {@link io.ridgeline.sweep.HalvingEngine}, over any {@link io.ridgeline.sweep.EpochTrainer}). Imports
 * {@code config}, {@code data} and {@code cv}; knows no model family.
 */
package io.ridgeline.sweep;
