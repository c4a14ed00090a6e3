package dev.codd.bench;

import dev.codd.bench.TpchBenchmark.Latency;
import dev.codd.bench.TpchBenchmark.QueryResult;
import dev.codd.bench.TpchBenchmark.Scale;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** The TPC-H benchmark's report, in Markdown, and its chart of per-query ratios, as PNG. */
final class BenchReport {
    private BenchReport() {}

    static String tpch(double scaleFactor, int nodes, int runs, List<QueryResult> queries, List<Latency> latencies,
            double[] streaming, long streamRows, List<Scale> scales, Map<String, Long> memory, String when) {
        StringBuilder md = new StringBuilder("# TPC-H: Codd against DuckDB alone\n\n");
        md.append(String.format(Locale.ROOT, "%s, %d cores, Java %s. TPC-H SF %s as Parquet over %d compute nodes, each "
                        + "its own process, with a requester process, queried through Codd's JDBC driver; DuckDB alone "
                        + "(its JDBC driver, in the benchmark's process, default threads) reads the same files. Each query "
                        + "ran once untimed on both, then %d times on each in turns; times are medians with min–max.%n%n",
                when, Runtime.getRuntime().availableProcessors(), Runtime.version(), plain(scaleFactor), nodes, runs));
        double geometricMean = TpchBenchmark.geometricMean(queries);
        md.append(String.format(Locale.ROOT, "**Geometric mean of the ratios Codd / DuckDB: %.2f×** (target ≤ 2.0×); "
                        + "Q1 %.2f×, Q6 %.2f× (target ≤ 1.5×).%n%n", geometricMean, queries.get(0).ratio(),
                queries.get(5).ratio()));
        long differing = queries.stream().filter(q -> !q.sameResult()).count();
        md.append(differing == 0 ? "Every query returned the same rows on both.\n\n"
                : "**" + differing + " queries returned different rows** (marked below).\n\n");
        md.append("| query | Codd ms | DuckDB ms | ratio | rows | bytes from nodes |\n|---|---|---|---|---|---|\n");
        for (QueryResult q : queries) {
            md.append(String.format(Locale.ROOT, "| Q%d%s | %s | %s | %.2f× | %d | %s |%n", q.query(),
                    q.sameResult() ? "" : " (differs)", millis(q.coddNanos()), millis(q.duckdbNanos()), q.ratio(), q.rows(),
                    bytes(q.bytesFromNodes())));
        }
        md.append("\n![Codd / DuckDB per query](tpch-ratios.png)\n\n## Latency\n\n")
                .append("Small queries back to back through JDBC, each client on its own connection (target: p50 ≤ 15 ms "
                        + "with one client, for the trivial query).\n\n")
                .append("| system | query | clients | p50 ms | p99 ms | queries/s |\n|---|---|---|---|---|---|\n");
        for (Latency l : latencies) {
            md.append(String.format(Locale.ROOT, "| %s | `%s` | %d | %.2f | %.2f | %.0f |%n", l.system(), l.query(), l.clients(),
                    l.p50Millis(), l.p99Millis(), l.qps()));
        }
        md.append(String.format(Locale.ROOT, "%n## Streaming%n%n`SELECT *` over a table of %,d rows (BIGINT, DOUBLE, VARCHAR) "
                        + "into a JDBC ResultSet, every value read; best of the timed runs.%n%n"
                        + "| Codd rows/s | DuckDB JDBC rows/s | Codd / DuckDB |%n|---|---|---|%n| %,.0f | %,.0f | %.0f%% |%n",
                streamRows, streaming[0], streaming[1], 100 * streaming[0] / streaming[1]));
        md.append("\n## Scaling\n\nThe sum of the 22 queries' median times on Codd, and what the nodes sent the requester.\n\n")
                .append("| scale factor | nodes | seconds | bytes from nodes | geometric mean vs DuckDB |\n|---|---|---|---|---|\n");
        for (Scale s : scales) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %s | %.2f× |%n", plain(s.scaleFactor()), s.nodes(),
                    s.seconds(), bytes(s.bytesFromNodes()), s.geometricMeanRatio()));
        }
        md.append("\n## Memory\n\nPeak resident memory (VmHWM) of each process over the main run.\n\n| process | peak RSS |\n|---|---|\n");
        memory.forEach((name, peak) -> md.append(String.format(Locale.ROOT, "| %s | %s |%n", name, bytes(peak))));
        return md.toString();
    }

    /** A bar per query of its ratio Codd / DuckDB, on a log scale, with lines at 1× and 2×. */
    static void ratioChart(List<QueryResult> queries, Path file) throws IOException {
        int width = 1100;
        int height = 480;
        int left = 70;
        int right = 20;
        int top = 40;
        int bottom = 50;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        double highest = Math.max(4, queries.stream().mapToDouble(QueryResult::ratio).max().orElse(1) * 1.2);
        double lowest = Math.min(0.5, queries.stream().mapToDouble(QueryResult::ratio).min().orElse(1) / 1.2);
        int plot = height - top - bottom;
        java.util.function.DoubleToIntFunction y = ratio -> top + (int) Math.round(
                plot * (Math.log(highest) - Math.log(ratio)) / (Math.log(highest) - Math.log(lowest)));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.DARK_GRAY);
        g.drawString("Codd / DuckDB alone, per TPC-H query (log scale; lower is better)", left, 22);
        for (double mark : new double[] {0.5, 1, 2, 4, 8, 16, 32}) {
            if (mark < lowest || mark > highest) {
                continue;
            }
            int at = y.applyAsInt(mark);
            g.setColor(mark == 1 || mark == 2 ? new Color(200, 60, 60) : new Color(220, 220, 220));
            g.setStroke(mark == 2 ? new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0)
                    : new BasicStroke(1));
            g.drawLine(left, at, width - right, at);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%s×", mark == (int) mark ? Integer.toString((int) mark) : "0.5"), 20, at + 4);
        }
        int slot = (width - left - right) / queries.size();
        for (int i = 0; i < queries.size(); i++) {
            QueryResult q = queries.get(i);
            int x = left + i * slot + slot / 6;
            int barTop = Math.min(y.applyAsInt(q.ratio()), y.applyAsInt(1));
            int barBottom = Math.max(y.applyAsInt(q.ratio()), y.applyAsInt(1));
            g.setColor(!q.sameResult() ? Color.GRAY : q.ratio() <= 2 ? new Color(70, 130, 180) : new Color(230, 140, 50));
            g.fillRect(x, barTop, slot * 2 / 3, Math.max(1, barBottom - barTop));
            g.setColor(Color.DARK_GRAY);
            g.drawString("Q" + q.query(), x, height - bottom + 18);
            g.drawString(String.format(Locale.ROOT, "%.1f", q.ratio()), x, height - bottom + 34);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static String millis(long[] nanos) {
        return String.format(Locale.ROOT, "%.1f (%.1f–%.1f)", Benchmarks.median(nanos) / 1e6,
                Arrays.stream(nanos).min().orElse(0) / 1e6, Arrays.stream(nanos).max().orElse(0) / 1e6);
    }

    private static String bytes(long bytes) {
        if (bytes < 0) {
            return "?";
        }
        return bytes < 10_000 ? bytes + " B" : bytes < 10_000_000 ? String.format(Locale.ROOT, "%.1f KB", bytes / 1e3)
                : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static String plain(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
