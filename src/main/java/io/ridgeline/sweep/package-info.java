/**
 * The sweep: grid points, the trainer contract, work units and the concurrent runner with job labels
 * and progress. Imports {@code config}, {@code data} and {@code cv}; knows no model family.
 */
package io.ridgeline.sweep;
