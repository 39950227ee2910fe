package io.tracewarden.core.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Renders SDK metric data in the Prometheus text exposition format, version 0.0.4. */
final class PrometheusText {

  private PrometheusText() {}

  static String render(Collection<MetricData> metrics) {
    StringBuilder out = new StringBuilder(4096);
    metrics.stream().sorted(Comparator.comparing(MetricData::getName)).forEach(m -> render(m, out));
    return out.toString();
  }

  private static void render(MetricData metric, StringBuilder out) {
    String name = sanitize(metric.getName());
    String unitSuffix = unitSuffix(metric.getUnit());
    if (!unitSuffix.isEmpty() && !name.endsWith(unitSuffix)) {
      name = name + unitSuffix;
    }
    switch (metric.getType()) {
      case LONG_SUM -> {
        boolean monotonic = metric.getLongSumData().isMonotonic();
        String family = monotonic ? name + "_total" : name;
        header(out, family, metric.getDescription(), monotonic ? "counter" : "gauge");
        for (LongPointData point : metric.getLongSumData().getPoints()) {
          sample(out, family, point.getAttributes(), null, Long.toString(point.getValue()));
        }
      }
      case DOUBLE_SUM -> {
        boolean monotonic = metric.getDoubleSumData().isMonotonic();
        String family = monotonic ? name + "_total" : name;
        header(out, family, metric.getDescription(), monotonic ? "counter" : "gauge");
        for (DoublePointData point : metric.getDoubleSumData().getPoints()) {
          sample(out, family, point.getAttributes(), null, number(point.getValue()));
        }
      }
      case LONG_GAUGE -> {
        header(out, name, metric.getDescription(), "gauge");
        for (LongPointData point : metric.getLongGaugeData().getPoints()) {
          sample(out, name, point.getAttributes(), null, Long.toString(point.getValue()));
        }
      }
      case DOUBLE_GAUGE -> {
        header(out, name, metric.getDescription(), "gauge");
        for (DoublePointData point : metric.getDoubleGaugeData().getPoints()) {
          sample(out, name, point.getAttributes(), null, number(point.getValue()));
        }
      }
      case HISTOGRAM -> {
        header(out, name, metric.getDescription(), "histogram");
        for (HistogramPointData point : metric.getHistogramData().getPoints()) {
          histogram(out, name, point);
        }
      }
      default -> {
        // Exponential histograms and summaries are not produced by Tracewarden's own instruments.
      }
    }
  }

  private static void histogram(StringBuilder out, String name, HistogramPointData point) {
    List<Double> bounds = point.getBoundaries();
    List<Long> counts = point.getCounts();
    long cumulative = 0;
    for (int i = 0; i < counts.size(); i++) {
      cumulative += counts.get(i);
      String le = i < bounds.size() ? number(bounds.get(i)) : "+Inf";
      sample(out, name + "_bucket", point.getAttributes(), le, Long.toString(cumulative));
    }
    sample(out, name + "_sum", point.getAttributes(), null, number(point.getSum()));
    sample(out, name + "_count", point.getAttributes(), null, Long.toString(point.getCount()));
  }

  private static void header(StringBuilder out, String family, String help, String type) {
    out.append("# HELP ").append(family).append(' ')
        .append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
    out.append("# TYPE ").append(family).append(' ').append(type).append('\n');
  }

  private static void sample(
      StringBuilder out, String name, Attributes attributes, String le, String value) {
    out.append(name);
    if (!attributes.isEmpty() || le != null) {
      out.append('{');
      boolean[] first = {true};
      attributes.forEach((key, v) -> {
        if (!first[0]) {
          out.append(',');
        }
        first[0] = false;
        out.append(sanitize(key.getKey())).append("=\"").append(escape(String.valueOf(v)))
            .append('"');
      });
      if (le != null) {
        out.append(first[0] ? "" : ",").append("le=\"").append(le).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(value).append('\n');
  }

  private static String unitSuffix(String unit) {
    return switch (unit == null ? "" : unit) {
      case "s" -> "_seconds";
      case "By" -> "_bytes";
      case "ms" -> "_milliseconds";
      default -> "";
    };
  }

  private static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Double.toString(value);
  }

  static String sanitize(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
          || (i > 0 && c >= '0' && c <= '9');
      out.append(ok ? c : '_');
    }
    return out.toString();
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

}
