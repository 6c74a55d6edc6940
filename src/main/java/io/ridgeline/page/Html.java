package io.ridgeline.page;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** The pages' shared HTML: head and style, escaping, tables, and writing through the Hadoop API. */
final class Html {
  private Html() {}

  private static final String STYLE = """
      body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:2em auto;max-width:1000px;color:#222;padding:0 1em}
      h1 small{font-weight:normal;color:#666}
      table{border-collapse:collapse;margin:0.5em 0 1.5em}
      th,td{padding:0.2em 0.7em;border-bottom:1px solid #ddd;text-align:left;font-size:0.9em;vertical-align:top}
      th{background:#f4f4f4}
      figure{margin:1.5em 0}
      figcaption{font-size:0.9em;color:#444;max-width:760px}
      pre{background:#f7f7f7;padding:0.8em;overflow:auto;font-size:0.85em}
      .nav{font-size:0.9em}
      """;

  static void head(StringBuilder b, String title) {
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(escape(title))
        .append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
  }

  static String escape(Object text) {
    if (text == null) return "";
    StringBuilder b = new StringBuilder();
    for (char c : text.toString().toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** A table of escaped cells; a header row unless every header is empty. */
  static void table(StringBuilder b, String[] header, List<String[]> rows) {
    b.append("<table>\n");
    if (!String.join("", header).isEmpty()) {
      b.append("<tr>");
      for (String h : header) b.append("<th>").append(escape(h)).append("</th>");
      b.append("</tr>\n");
    }
    for (String[] r : rows) {
      b.append("<tr>");
      for (String c : r) b.append("<td>").append(escape(c)).append("</td>");
      b.append("</tr>\n");
    }
    b.append("</table>\n");
  }

  /** A figure inline, with its caption and a link to its SVG file beside the page. */
  static void figure(StringBuilder b, Figure f) {
    b.append("<figure id=\"").append(escape(f.file().replace(".svg", ""))).append("\">\n")
        .append(f.inlineSvg()).append("\n<figcaption><b>").append(escape(f.title())).append(".</b> ")
        .append(escape(f.caption())).append(" <a href=\"").append(escape(f.file()))
        .append("\">SVG</a></figcaption>\n</figure>\n");
  }

  /** Text to a Hadoop path, replacing it. */
  static void write(FileSystem fs, Path path, String text) throws IOException {
    try (OutputStream out = fs.create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
