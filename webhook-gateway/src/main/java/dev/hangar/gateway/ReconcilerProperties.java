package dev.hangar.gateway;

import dev.hangar.workflows.reconcile.ReconcileRequest;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Lost-webhook recovery ({@code hangar.reconciler.*}): a Temporal Schedule that compares GitHub's
 * queued and in-progress jobs with the open job workflows and repairs the difference. See
 * docs/reliability.md.
 *
 * @param enabled create (or update) the Schedule {@code hangar-reconciler} at start-up; false
 *     deletes it. Default true; it has nothing to do until repositories or organizations are set.
 *     Env {@code HANGAR_RECONCILER_ENABLED}.
 * @param pollingOnly the reconciler is the only source of job events: {@code /webhook} refuses
 *     every delivery and no webhook secret is needed. For installations GitHub cannot reach.
 *     Default false. Env {@code HANGAR_RECONCILER_POLLING_ONLY}.
 * @param interval time between two passes. Default 60s; at least 10s, and at most 2m when polling
 *     only. Env {@code HANGAR_RECONCILER_INTERVAL}.
 * @param repositories repositories to look at, as {@code owner/name}. Default none. Env {@code
 *     HANGAR_RECONCILER_REPOSITORIES} (comma-separated).
 * @param organizations organisations whose every repository (that the credentials see) is looked
 *     at; costs one more call per 100 repositories per pass. Default none. Env {@code
 *     HANGAR_RECONCILER_ORGANIZATIONS} (comma-separated).
 * @param maxCallsPerPass the most GitHub API calls one pass makes. Default 50, which at the default
 *     interval bounds the reconciler to 3,000 calls an hour. Env {@code
 *     HANGAR_RECONCILER_MAX_CALLS_PER_PASS}.
 * @param rateLimitReserve a pass makes no call while GitHub's remaining rate limit is below this,
 *     leaving it to runner registrations. Default 500. Env {@code
 *     HANGAR_RECONCILER_RATE_LIMIT_RESERVE}.
 */
@ConfigurationProperties("hangar.reconciler")
public record ReconcilerProperties(
    Boolean enabled,
    Boolean pollingOnly,
    Duration interval,
    List<String> repositories,
    List<String> organizations,
    Integer maxCallsPerPass,
    Integer rateLimitReserve) {

  /** The shortest interval: shorter passes would mostly spend the rate limit on nothing. */
  static final Duration MIN_INTERVAL = Duration.ofSeconds(10);

  /**
   * The longest interval without webhooks: a job workflow that finds its idle runner busy when it
   * retires it waits 5 minutes to hear which job the runner took; the reconciler must tell it well
   * before that.
   */
  static final Duration MAX_POLLING_ONLY_INTERVAL = Duration.ofMinutes(2);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  public ReconcilerProperties {
    enabled = enabled == null || enabled;
    pollingOnly = pollingOnly != null && pollingOnly;
    interval = interval == null ? Duration.ofSeconds(60) : interval;
    repositories = repositories == null ? List.of() : List.copyOf(repositories);
    organizations = organizations == null ? List.of() : List.copyOf(organizations);
    maxCallsPerPass = maxCallsPerPass == null ? 50 : maxCallsPerPass;
    rateLimitReserve = rateLimitReserve == null ? 500 : rateLimitReserve;
  }

  /** Whether a pass has anything to look at. */
  boolean hasScope() {
    return !repositories.isEmpty() || !organizations.isEmpty();
  }

  /** The most calls an hour of passes can make. */
  long maxCallsPerHour() {
    return maxCallsPerPass * Math.max(1, Duration.ofHours(1).toMillis() / interval.toMillis());
  }

  /**
   * Each pass's request, validated.
   *
   * @throws InvalidConfigException naming the offending key
   */
  ReconcileRequest toRequest() {
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw new InvalidConfigException("hangar.reconciler.interval", "must be at least 10s, was " + interval);
    }
    if (maxCallsPerPass < 1) {
      throw new InvalidConfigException(
          "hangar.reconciler.max-calls-per-pass", "must be at least 1, was " + maxCallsPerPass);
    }
    if (rateLimitReserve < 0) {
      throw new InvalidConfigException(
          "hangar.reconciler.rate-limit-reserve", "must not be negative, was " + rateLimitReserve);
    }
    for (String repo : repositories) {
      String[] parts = repo.split("/", -1);
      if (parts.length != 2 || !NAME.matcher(parts[0]).matches() || !NAME.matcher(parts[1]).matches()) {
        throw new InvalidConfigException(
            "hangar.reconciler.repositories", "must name repositories as owner/name, was '" + repo + "'");
      }
    }
    for (String org : organizations) {
      if (!NAME.matcher(org).matches()) {
        throw new InvalidConfigException(
            "hangar.reconciler.organizations", "must name organisations, was '" + org + "'");
      }
    }
    if (pollingOnly && !hasScope()) {
      throw new InvalidConfigException(
          "hangar.reconciler.polling-only",
          "is true but hangar.reconciler.repositories and hangar.reconciler.organizations are empty:"
              + " without webhooks the reconciler is the only source of jobs; name what it should look at");
    }
    if (pollingOnly && interval.compareTo(MAX_POLLING_ONLY_INTERVAL) > 0) {
      throw new InvalidConfigException(
          "hangar.reconciler.interval",
          "must be at most 2m with hangar.reconciler.polling-only, was " + interval
              + ": without webhooks a job workflow learns that its runner took a job only from the reconciler");
    }
    if (pollingOnly && !enabled) {
      throw new InvalidConfigException(
          "hangar.reconciler.polling-only",
          "is true but hangar.reconciler.enabled is false: nothing would ever start a job");
    }
    return new ReconcileRequest(repositories, organizations, maxCallsPerPass, rateLimitReserve);
  }
}
