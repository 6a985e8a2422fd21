package dev.hangar.workflows.job;

import dev.hangar.workflows.HangarSearchAttributes;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Keeps the job's search attributes in step with its state: a background coroutine waits until
 * what the workflow would publish differs from what it last published, and upserts only what
 * changed. Deterministic: it reads only workflow state.
 */
final class SearchAttributesPublisher {

  /** What the Web UI can search a job by. */
  record Snapshot(
      String owner, String repo, String template, String host, Phase phase, int attempt, String conclusion) {}

  private final Supplier<Snapshot> current;
  private Snapshot published = new Snapshot(null, null, null, null, null, 0, null);

  SearchAttributesPublisher(Supplier<Snapshot> current) {
    this.current = current;
  }

  /** Publishes every change until the job is done. Run it with {@code Async.procedure}. */
  void keepPublishing() {
    while (published.phase() != Phase.DONE) {
      Workflow.await(() -> !current.get().equals(published));
      publish();
    }
  }

  /** Publishes what changed since last time, now. */
  void publish() {
    Snapshot next = current.get();
    List<SearchAttributeUpdate<?>> updates = new ArrayList<>();
    changed(updates, published.owner(), next.owner(), HangarSearchAttributes.OWNER::valueSet);
    changed(updates, published.repo(), next.repo(), HangarSearchAttributes.REPO::valueSet);
    changed(updates, published.template(), next.template(), HangarSearchAttributes.TEMPLATE::valueSet);
    changed(updates, published.host(), next.host(), HangarSearchAttributes.HOST::valueSet);
    changed(
        updates,
        published.phase(),
        next.phase(),
        p -> HangarSearchAttributes.PHASE.valueSet(p.name()));
    changed(
        updates,
        published.attempt(),
        next.attempt(),
        a -> HangarSearchAttributes.ATTEMPT.valueSet((long) a));
    changed(updates, published.conclusion(), next.conclusion(), HangarSearchAttributes.CONCLUSION::valueSet);
    if (!updates.isEmpty()) {
      Workflow.upsertTypedSearchAttributes(updates.toArray(new SearchAttributeUpdate<?>[0]));
    }
    published = next;
  }

  private static <T> void changed(
      List<SearchAttributeUpdate<?>> updates,
      T before,
      T after,
      java.util.function.Function<T, SearchAttributeUpdate<?>> update) {
    if (after != null && !Objects.equals(before, after)) {
      updates.add(update.apply(after));
    }
  }
}
