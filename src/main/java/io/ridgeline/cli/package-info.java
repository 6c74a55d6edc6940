/** Command line: {@code sweep}, {@code validate}, {@code report}, {@code predict}. Imports {@code job}, {@code config}, {@code report}. */
package io.ridgeline.cli;
