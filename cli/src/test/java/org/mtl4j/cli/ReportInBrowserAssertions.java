package org.mtl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.mtl4j.cli.internal.report.Report;

/**
 * Opens a report in a real headless browser and checks what it painted. A probe script is added to
 * a COPY of the page (the report itself has no scripts): it measures, after layout, every chart's
 * svg box and the bounding box of its drawn marks, which only a rendering engine can compute.
 */
public final class ReportInBrowserAssertions {
    private static final String PROBE = """
            <script>
            (function(){var out=[];document.querySelectorAll('figure.figure').forEach(function(f){
              var svgs=f.querySelectorAll('svg');var s=svgs[0];var r=s.getBoundingClientRect();
              var marks=s.querySelectorAll('path.line,rect.cell,rect.bar');var w=0,h=0;
              marks.forEach(function(m){var b=m.getBBox();w=Math.max(w,b.width);h=Math.max(h,b.height);});
              var t=s.querySelector('title');var note=s.querySelector('.nodata-note');
              out.push({id:f.id,svgs:svgs.length,width:r.width,height:r.height,marks:marks.length,markWidth:w,markHeight:h,
                title:t?t.textContent:'',note:note?note.textContent:'',hasData:f.getAttribute('data-has-data')});});
             var pre=document.createElement('pre');pre.id='probe';pre.textContent=JSON.stringify(out);document.body.appendChild(pre);})();
            </script>
            """;

    private ReportInBrowserAssertions() {
    }

    /**
     * Asserts every chart of the report rendered: one svg per figure, a non-empty box, a title, drawn
     * marks with a non-empty extent, or the "no data recorded" note for exactly the charts in
     * {@code expectNoData}. With {@code screenshot}, also screenshots the page and checks that the
     * palette's first colour was painted.
     *
     * @return the probe's measurements by figure id
     */
    public static Map<String, JsonNode> assertChartsRendered(Path report, Set<String> expectNoData, Path work, boolean screenshot)
            throws IOException, InterruptedException {
        HeadlessBrowser browser = HeadlessBrowser.require();
        String html = Files.readString(report, StandardCharsets.UTF_8);
        Path probed = work.resolve("probed.html");
        Files.writeString(probed, html.replace("</body>", PROBE + "</body>"), StandardCharsets.UTF_8);
        String dom = browser.dumpDom(probed);
        int start = dom.indexOf("<pre id=\"probe\">");
        assertThat(start).as("probe output in the DOM dumped by chromium").isGreaterThanOrEqualTo(0);
        String json = dom.substring(start + "<pre id=\"probe\">".length(), dom.indexOf("</pre>", start))
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        JsonNode figures = new ObjectMapper().readTree(json);
        Map<String, JsonNode> byId = new HashMap<>();
        figures.forEach(f -> byId.put(f.get("id").asText(), f));
        assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(Report.CHART_IDS.stream().map(id -> "chart-" + id).toList());
        for (JsonNode f : figures) {
            String id = f.get("id").asText();
            assertThat(f.get("svgs").asInt()).as(id + " svg count").isEqualTo(1);
            assertThat(f.get("width").asDouble()).as(id + " width").isGreaterThan(100);
            assertThat(f.get("height").asDouble()).as(id + " height").isGreaterThan(50);
            assertThat(f.get("title").asText()).as(id + " title").isNotBlank();
            if (expectNoData.contains(id.substring("chart-".length()))) {
                assertThat(f.get("note").asText()).as(id + " note").isEqualTo("no data recorded");
                assertThat(f.get("marks").asInt()).as(id + " marks").isZero();
            } else {
                assertThat(f.get("note").asText()).as(id + " note").isEmpty();
                assertThat(f.get("marks").asInt()).as(id + " marks").isPositive();
                assertThat(Math.max(f.get("markWidth").asDouble(), f.get("markHeight").asDouble())).as(id + " extent of drawn marks")
                        .isGreaterThan(10);
            }
        }
        if (!screenshot) {
            return byId;
        }
        Path png = browser.screenshot(report, work.resolve("report.png"), 1300, 2600);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("screenshot").isNotNull();
        long painted = 0;
        long palette = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                if (rgb != 0xffffff && rgb != 0xfafafa) {
                    painted++;
                }
                if (rgb == 0x4e79a7) {
                    palette++;
                }
            }
        }
        assertThat(painted).as("painted pixels").isGreaterThan(20_000);
        assertThat(palette).as("pixels in the first series colour #4e79a7").isGreaterThan(200);
        return byId;
    }
}
