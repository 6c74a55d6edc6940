package io.ridgeline.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ridgeline.Samples;
import io.ridgeline.TestSpark;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A run page in a real browser: headless Chromium (Debian's {@code chromium}, which {@code .ci/run}
 * installs; {@code RIDGELINE_CHROMIUM} names another) loads it from the file system with the network
 * off, its DOM holds every figure as SVG and the tables, and its screenshot is not blank. Fails when
 * there is no browser or the page does not load.
 */
@Tag("slow")
class BrowserTest {
  private static String chromium() {
    String named = System.getenv("RIDGELINE_CHROMIUM");
    if (named != null) return named;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
        if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
      }
    }
    fail("no chromium on the PATH: apt-get install chromium (.ci/run does), or set RIDGELINE_CHROMIUM");
    return null;
  }

  /** Runs the browser headless on {@code page} with {@code what} (--dump-dom, --screenshot=…); its stdout. */
  private static String browse(Path page, Path work, String what) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run", "--proxy-server=127.0.0.1:9",
        "--user-data-dir=" + work.resolve("profile"), "--window-size=1100,2600", what, page.toUri().toString()));
    Path log = work.resolve("chromium.log");
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish in 120 s");
    assertEquals(0, p.exitValue(), "chromium: " + Files.readString(log));
    return new String(out, StandardCharsets.UTF_8);
  }

  @Test
  void aRunPageRendersInHeadlessChromium() throws Exception {
    Path out = TestSpark.tempDir("browser");
    RunPageTest.sweep(Samples.DIABETES, out, "browser", "sweep.alpha=[0.5, 1]", "sweep.lambda.path.count=5");
    Path page = RunPageTest.page(out, "browser");
    Path work = TestSpark.tempDir("chromium");

    String dom = browse(page, work, "--dump-dom");
    assertTrue(dom.contains("<h2>Selection</h2>") && dom.contains("<h2>Provenance</h2>"), dom);
    int svgs = 0;
    for (int i = dom.indexOf("<svg"); i >= 0; i = dom.indexOf("<svg", i + 1)) svgs++;
    assertEquals(7, svgs, "every figure in the loaded page");

    Path shot = work.resolve("page.png");
    browse(page, work, "--screenshot=" + shot);
    BufferedImage image = ImageIO.read(shot.toFile());
    assertTrue(image != null, "no screenshot");
    long ink = 0;
    Set<Integer> colors = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        if (rgb != 0xffffff) ink++;
        if (colors.size() < 10_000) colors.add(rgb);
      }
    }
    double share = ink / (double) (image.getWidth() * image.getHeight());
    System.out.printf("screenshot %d × %d: %.1f %% not white, %d colours%n", image.getWidth(), image.getHeight(),
        100 * share, colors.size());
    assertTrue(share > 0.02, "the screenshot is blank: " + share);
    assertTrue(colors.size() > 20, "the screenshot has " + colors.size() + " colours");
  }
}
