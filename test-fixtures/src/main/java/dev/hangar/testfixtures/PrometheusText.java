package dev.hangar.testfixtures;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict check of the Prometheus text exposition format (version 0.0.4), as a scrape of
 * {@code /actuator/prometheus} must follow it: every line is a well-formed {@code # HELP},
 * {@code # TYPE} or sample line; a family's {@code TYPE} comes once and before its samples; sample
 * names belong to the family they follow (with {@code _total}, {@code _bucket}, {@code _sum},
 * {@code _count}, {@code _created} as the type allows); no series appears twice; a histogram's
 * buckets have {@code le}, are cumulative, and end with {@code +Inf} equal to {@code _count}.
 */
public final class PrometheusText {

  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
  private static final String VALUE =
      "(?:NaN|[+-]?Inf|[-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?)";
  private static final Pattern SAMPLE = Pattern.compile(
      "^(" + NAME + ")(?:\\{((?:" + LABEL + "(?:," + LABEL + ")*,?)?)\\})? (" + VALUE + ")(?: -?[0-9]+)?$");
  private static final Pattern ONE_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
  private static final Pattern HELP = Pattern.compile("^# HELP (" + NAME + ")(?: .*)?$");
  private static final Pattern TYPE =
      Pattern.compile("^# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)$");

  private PrometheusText() {}

  /**
   * Checks a whole scrape.
   *
   * @return the number of samples
   * @throws AssertionError naming the first offending line
   */
  public static int assertValidExposition(String scrape) {
    Map<String, String> types = new HashMap<>();
    Set<String> series = new HashSet<>();
    Map<String, TreeMap<Double, Double>> buckets = new HashMap<>();
    Map<String, Double> counts = new HashMap<>();
    String family = null;
    int samples = 0;
    for (String line : scrape.split("\n", -1)) {
      if (line.isEmpty() || line.equals("# EOF")) {
        continue;
      }
      Matcher m;
      if (line.startsWith("# HELP")) {
        require(HELP.matcher(line).matches(), "bad HELP line", line);
      } else if (line.startsWith("# TYPE")) {
        require((m = TYPE.matcher(line)).matches(), "bad TYPE line", line);
        require(!types.containsKey(m.group(1)), "second TYPE for the family", line);
        family = m.group(1);
        types.put(family, m.group(2));
      } else {
        require(!line.startsWith("#"), "a comment that is neither HELP nor TYPE", line);
        require((m = SAMPLE.matcher(line)).matches(), "bad sample line", line);
        String name = m.group(1);
        require(family != null && belongs(name, family, types.get(family)), "sample outside its family", line);
        Map<String, String> labels = labels(m.group(2));
        require(series.add(name + labels), "series appears twice", line);
        double value = parse(m.group(3));
        if ("histogram".equals(types.get(family))) {
          labels.remove("le");
          String key = family + labels;
          if (name.endsWith("_bucket")) {
            String le = labels(m.group(2)).get("le");
            require(le != null, "bucket without le", line);
            buckets.computeIfAbsent(key, k -> new TreeMap<>()).put(parse(le), value);
          } else if (name.endsWith("_count")) {
            counts.put(key, value);
          }
        }
        samples++;
      }
    }
    buckets.forEach((key, b) -> {
      double previous = 0;
      for (double v : b.values()) {
        require(v >= previous, "buckets not cumulative", key);
        previous = v;
      }
      require(b.containsKey(Double.POSITIVE_INFINITY), "no +Inf bucket", key);
      require(b.get(Double.POSITIVE_INFINITY).equals(counts.get(key)), "+Inf bucket differs from _count", key);
    });
    return samples;
  }

  private static boolean belongs(String name, String family, String type) {
    if (name.equals(family)) {
      return !"histogram".equals(type);
    }
    String suffix = name.startsWith(family) ? name.substring(family.length()) : "";
    switch (type) {
      case "counter":
        return suffix.equals("_total") || suffix.equals("_created");
      case "histogram":
        return Set.of("_bucket", "_sum", "_count", "_created").contains(suffix);
      case "summary":
        return Set.of("_sum", "_count", "_created").contains(suffix);
      default:
        return false;
    }
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new TreeMap<>();
    if (text != null) {
      Matcher m = ONE_LABEL.matcher(text);
      while (m.find()) {
        require(labels.put(m.group(1), m.group(2)) == null, "label given twice", text);
      }
    }
    return labels;
  }

  private static double parse(String value) {
    switch (value) {
      case "+Inf":
      case "Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        return Double.parseDouble(value);
    }
  }

  private static void require(boolean ok, String problem, String where) {
    if (!ok) {
      throw new AssertionError("not valid Prometheus text format: " + problem + ": " + where);
    }
  }
}
