/**
 * Configuration: YAML bound to validated records ({@link io.ridgeline.config.SweepSpec}) and the
 * vocabulary every stage shares (family, metric, selection rule, data format). Imports nothing else
 * from Ridgeline.
 */
package io.ridgeline.config;
