package dev.hangar.anklet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an import did and what it leaves to the user. Holds no secret value: a secret is reported
 * by the key it came from and the environment variable that must now carry it.
 */
final class ImportReport {

  /** An Anklet key and the Hangar key it became. */
  record Mapped(String ankletKey, String hangarKey, String value) {}

  /** An Anklet key with no Hangar equivalent, and why. */
  record Dropped(String ankletKey, String reason) {}

  private final List<Mapped> mapped = new ArrayList<>();
  private final List<Dropped> dropped = new ArrayList<>();
  private final List<String> conflicts = new ArrayList<>();
  private final List<String> toProvide = new ArrayList<>();
  private final Map<String, String> environment = new LinkedHashMap<>();

  void mapped(String ankletKey, String hangarKey, Object value) {
    mapped.add(new Mapped(ankletKey, hangarKey, String.valueOf(value)));
  }

  void dropped(String ankletKey, String reason) {
    dropped.add(new Dropped(ankletKey, reason));
  }

  void conflict(String text) {
    conflicts.add(text);
  }

  void toProvide(String text) {
    toProvide.add(text);
  }

  void environment(String variable, String what) {
    environment.putIfAbsent(variable, what);
  }

  List<Mapped> mapped() {
    return List.copyOf(mapped);
  }

  List<Dropped> dropped() {
    return List.copyOf(dropped);
  }

  List<String> conflicts() {
    return List.copyOf(conflicts);
  }

  List<String> toProvide() {
    return List.copyOf(toProvide);
  }

  /** Environment variables the user must set, with what each holds. */
  Map<String, String> environment() {
    return Map.copyOf(environment);
  }

  /** The report as printed. */
  String render() {
    StringBuilder out = new StringBuilder();
    section(out, "Mapped", mapped.stream().map(m -> m.ankletKey() + " -> " + m.hangarKey() + ": " + m.value()).toList());
    section(out, "Dropped", dropped.stream().map(d -> d.ankletKey() + ": " + d.reason()).toList());
    section(out, "CONFLICTS (nothing was written for these; decide, then set the key yourself)", conflicts);
    section(out, "You must still provide", toProvide);
    section(out, "Environment variables to set (never in a file)",
        environment.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList());
    return out.toString();
  }

  private static void section(StringBuilder out, String title, List<String> lines) {
    if (lines.isEmpty()) {
      return;
    }
    out.append('\n').append(title).append(":\n");
    lines.forEach(l -> out.append("  ").append(l).append('\n'));
  }
}
