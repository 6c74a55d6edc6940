/**
 * A run's HTML page and the index over runs: the report tables read back as a figure model
 * ({@link io.ridgeline.page.RunTables} → {@link io.ridgeline.page.Figures}), drawn with XChart into SVG
 * ({@link io.ridgeline.page.Figure}), assembled into one self-contained page
 * ({@link io.ridgeline.page.RunPage}) and listed, with the drift of scheduled sweeps, by
 * {@link io.ridgeline.page.RunIndex}. Written through the Hadoop FileSystem API. Imports {@code report}.
 */
package io.ridgeline.page;
