package dev.hangar.workflows;

import io.temporal.common.SearchAttributeKey;
import java.util.List;

/**
 * The custom search attributes every job workflow carries, in one place, so that the Web UI and
 * {@code temporal workflow list --query} can find jobs by repository, host or phase. The Temporal
 * server must know them before the first job starts: the local stack and the end-to-end suite
 * register them from {@link #ALL}; docs/operations.md shows the commands for other servers.
 */
public final class HangarSearchAttributes {

  /** Repository owner (user or organisation). */
  public static final SearchAttributeKey<String> OWNER = SearchAttributeKey.forKeyword("HangarOwner");

  /** Repository as {@code owner/name}. */
  public static final SearchAttributeKey<String> REPO = SearchAttributeKey.forKeyword("HangarRepo");

  /** The template the job runs on. */
  public static final SearchAttributeKey<String> TEMPLATE = SearchAttributeKey.forKeyword("HangarTemplate");

  /** The host of the job's newest VM. */
  public static final SearchAttributeKey<String> HOST = SearchAttributeKey.forKeyword("HangarHost");

  /** The job's phase, as the status query names it. */
  public static final SearchAttributeKey<String> PHASE = SearchAttributeKey.forKeyword("HangarPhase");

  /** VMs made for the job so far. */
  public static final SearchAttributeKey<Long> ATTEMPT = SearchAttributeKey.forLong("HangarAttempt");

  /** GitHub's conclusion once the job completed, or how Hangar ended it. */
  public static final SearchAttributeKey<String> CONCLUSION = SearchAttributeKey.forKeyword("HangarConclusion");

  /** Every key, for registering them with a Temporal server. */
  public static final List<SearchAttributeKey<?>> ALL =
      List.of(OWNER, REPO, TEMPLATE, HOST, PHASE, ATTEMPT, CONCLUSION);

  private HangarSearchAttributes() {}

  /**
   * The value of {@code temporal server start-dev --search-attribute} for a key, for example
   * {@code HangarRepo=Keyword}.
   */
  public static String devServerFlag(SearchAttributeKey<?> key) {
    switch (key.getValueType()) {
      case INDEXED_VALUE_TYPE_INT:
        return key.getName() + "=Int";
      case INDEXED_VALUE_TYPE_KEYWORD:
        return key.getName() + "=Keyword";
      default:
        throw new IllegalArgumentException("no dev-server type for " + key.getName());
    }
  }
}
