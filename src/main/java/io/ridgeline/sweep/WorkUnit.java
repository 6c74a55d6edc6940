package io.ridgeline.sweep;

import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * A unit of sweep work: a label for the Spark UI and the progress line, how many trials it completes
 * (a λ path counts one per λ), the work, and how to summarize its result on the progress line.
 */
public record WorkUnit<T>(String label, int trials, Callable<T> work, Function<T, String> summary) {}
