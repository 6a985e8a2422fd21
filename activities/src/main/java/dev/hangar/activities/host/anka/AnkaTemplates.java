package dev.hangar.activities.host.anka;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.activities.host.SafeNames;
import dev.hangar.activities.host.VmDriver.TemplateInfo;
import dev.hangar.workflows.Names;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The templates on an Anka host, for eviction. Anka reports no access date, so, like Veertu's own
 * Anklet, the driver remembers when it last pulled or cloned from each template and which
 * template each of its VMs was cloned from; a template it has not used since it started counts
 * from its {@code creation_date} (when it was pulled).
 *
 * <ul>
 *   <li>Templates: {@code anka -j list} entries that carry a {@code version} (a registry tag) and
 *       are not Hangar VMs ({@code hangar-<job>-<n>}); their disk from {@code show <name>}'s {@code
 *       image_size}.
 *   <li>In use: a Hangar VM was cloned from it (a linked clone needs its template). A Hangar VM
 *       whose template is unknown (cloned before a restart) makes every template count as in use
 *       until it is deleted: nothing is evicted on a guess.
 *   <li>Deletion: {@code delete --yes <id>}, the whole template: deleting a tag keeps the
 *       template's disk (Anklet does the same). Code 3 (not found) is success.
 * </ul>
 */
final class AnkaTemplates {

  private static final Logger log = LoggerFactory.getLogger(AnkaTemplates.class);

  private final AnkaCli cli;
  private final Duration timeout;
  private final Clock clock;
  private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();
  private final Map<String, String> clonedFrom = new ConcurrentHashMap<>();

  AnkaTemplates(AnkaCli cli, Duration timeout, Clock clock) {
    this.cli = cli;
    this.timeout = timeout;
    this.clock = clock;
  }

  /** The template was pulled or found present for a job. */
  void used(String templateId) {
    lastUsed.put(templateId, clock.instant());
  }

  /** The VM was cloned from the template (or found cloned for this template). */
  void cloned(String vm, String templateId) {
    clonedFrom.put(vm, templateId);
    used(templateId);
  }

  /** The VM is gone. */
  void deleted(String vm) {
    clonedFrom.remove(vm);
  }

  List<TemplateInfo> list() throws IOException {
    AnkaReply reply = cli.json(timeout, List.of("list"));
    if (!reply.ok()) {
      throw new IOException("anka list failed: " + reply.describe());
    }
    List<JsonNode> templates = new ArrayList<>();
    boolean unknownOrigin = false;
    Set<String> inUse = new HashSet<>();
    for (JsonNode e : reply.body()) {
      String name = e.path("name").asText("");
      if (Names.ownerJobOfRunner(name).isPresent()) {
        String origin = clonedFrom.get(name);
        if (origin == null) {
          unknownOrigin = true;
        } else {
          inUse.add(origin);
        }
      } else if (e.hasNonNull("version") && SafeNames.isSafe(name)) {
        templates.add(e);
      }
    }
    List<TemplateInfo> result = new ArrayList<>();
    for (JsonNode t : templates) {
      String id = t.path("name").asText();
      AnkaReply shown = cli.json(timeout, List.of("show", id));
      if (shown.notFound()) {
        continue; // deleted since the list
      }
      if (!shown.ok()) {
        throw new IOException("anka show " + id + " failed: " + shown.describe());
      }
      String tag = t.path("version").asText();
      result.add(new TemplateInfo(id, SafeNames.isSafe(tag) ? tag : null, shown.body().path("image_size").asLong(0),
          lastUsed.getOrDefault(id, created(t)), unknownOrigin || inUse.contains(id)));
    }
    return result;
  }

  void delete(String id, String tag) throws IOException {
    AnkaReply listed = cli.json(timeout, List.of("list", id));
    if (listed.notFound()) {
      return;
    }
    if (tag != null && listed.ok() && listed.body().size() > 0
        && !tag.equals(listed.body().get(0).path("version").asText(null))) {
      return; // the template is here at another tag: that tag is not
    }
    AnkaReply deleted = cli.json(timeout, List.of("delete", "--yes", id));
    if (deleted.notFound()) {
      return;
    }
    if (!deleted.ok()) {
      throw new IOException("anka delete " + id + " failed: " + deleted.describe());
    }
    lastUsed.remove(id);
    log.info("template {} deleted", id);
  }

  private static Instant created(JsonNode entry) {
    try {
      return OffsetDateTime.parse(entry.path("creation_date").asText("")).toInstant();
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }
}
