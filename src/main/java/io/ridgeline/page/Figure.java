package io.ridgeline.page;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * One figure of a run page: an XChart chart (its series are the figure's data), the values it marks
 * (e.g. {@code "min" → λ}), and a caption. Drawn headless into SVG by XChart's vector encoder.
 *
 * @param file  the SVG file's name beside the page, e.g. {@code cv-curve-alpha-0.5.svg}
 * @param marks the marked values by name, as drawn (vertical lines, highlighted cells)
 */
public record Figure(String file, String title, String caption, Chart<?, ?> chart, Map<String, Double> marks) {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** The figure as a standalone SVG document. */
  public String svg() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * The figure as an {@code <svg>} element to inline in HTML: without the XML prolog and doctype, and
   * without namespace declarations (the HTML parser puts {@code <svg>} in the SVG namespace), so the
   * page refers to no URL at all.
   */
  public String inlineSvg() {
    String svg = svg();
    svg = svg.substring(svg.indexOf("<svg"));
    return svg.replaceAll("\\s+xmlns(:\\w+)?=\"[^\"]*\"", "");
  }
}
