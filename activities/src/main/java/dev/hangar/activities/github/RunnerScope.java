package dev.hangar.activities.github;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where Hangar registers its runners and which runner group they join.
 *
 * <ul>
 *   <li>{@link Level#REPOSITORY}: {@code /repos/{owner}/{repo}/actions/runners}, the job's own
 *       repository; the runner can take only that repository's jobs. Repository runners belong to
 *       no group but Default (id 1).
 *   <li>{@link Level#ORGANIZATION}: {@code /orgs/{owner}/actions/runners}, the organisation that
 *       owns the job's repository; the runner joins a runner group.
 *   <li>{@link Level#ENTERPRISE}: {@code /enterprises/{enterprise}/actions/runners}; the runner
 *       joins an enterprise runner group.
 * </ul>
 *
 * @param level where runners are registered
 * @param enterprise the enterprise's slug; required for, and only for, {@link Level#ENTERPRISE}
 * @param groupName the runner group by name, looked up once per organisation or enterprise;
 *     {@code null} to use {@code groupId}
 * @param groupId the runner group by id; {@code null} means 1, the Default group
 */
public record RunnerScope(Level level, String enterprise, String groupName, Long groupId) {

  /** Where runners are registered. */
  public enum Level {
    REPOSITORY,
    ORGANIZATION,
    ENTERPRISE
  }

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  public RunnerScope {
    level = level == null ? Level.REPOSITORY : level;
    groupName = groupName == null || groupName.isBlank() ? null : groupName.trim();
    enterprise = enterprise == null || enterprise.isBlank() ? null : enterprise.trim();
    if (level == Level.ENTERPRISE && (enterprise == null || !NAME.matcher(enterprise).matches())) {
      throw new IllegalArgumentException("runner scope enterprise needs the enterprise's slug");
    }
    if (level != Level.ENTERPRISE && enterprise != null) {
      throw new IllegalArgumentException("an enterprise is set but the runner scope is "
          + level.name().toLowerCase(Locale.ROOT) + ", not enterprise");
    }
    if (groupName != null && groupId != null) {
      throw new IllegalArgumentException("set the runner group by name or by id, not both");
    }
    if (level == Level.REPOSITORY && groupName != null) {
      throw new IllegalArgumentException(
          "repository runners have no runner groups (only Default); use scope organization or enterprise");
    }
    if (groupId != null && groupId <= 0) {
      throw new IllegalArgumentException("a runner group id must be positive, was " + groupId);
    }
  }

  /** Repository runners in the Default group (id {@code groupId}). */
  public static RunnerScope repository(long groupId) {
    return new RunnerScope(Level.REPOSITORY, null, null, groupId);
  }

  /** The runners path (below the API root) for a job of {@code owner/repo}. */
  String runnersPath(String owner, String repo) {
    return switch (level) {
      case REPOSITORY -> "/repos/" + name(owner) + "/" + name(repo) + "/actions/runners";
      case ORGANIZATION -> "/orgs/" + name(owner) + "/actions/runners";
      case ENTERPRISE -> "/enterprises/" + enterprise + "/actions/runners";
    };
  }

  /**
   * The page {@code config.sh --url} registers a runner with, for a job of {@code owner/repo}:
   * {@code webRoot/owner/repo}, {@code webRoot/owner} or {@code webRoot/enterprises/slug}.
   */
  String configUrl(String webRoot, String owner, String repo) {
    return switch (level) {
      case REPOSITORY -> webRoot + "/" + name(owner) + "/" + name(repo);
      case ORGANIZATION -> webRoot + "/" + name(owner);
      case ENTERPRISE -> webRoot + "/enterprises/" + enterprise;
    };
  }

  /** The runner groups path for a job of {@code owner}; not for {@link Level#REPOSITORY}. */
  String groupsPath(String owner) {
    return switch (level) {
      case REPOSITORY -> throw new IllegalStateException("repository runners have no runner groups");
      case ORGANIZATION -> "/orgs/" + name(owner) + "/actions/runner-groups";
      case ENTERPRISE -> "/enterprises/" + enterprise + "/actions/runner-groups";
    };
  }

  static String name(String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException("not a GitHub owner or repository name: " + value);
    }
    return value;
  }
}
