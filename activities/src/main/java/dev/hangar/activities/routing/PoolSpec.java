package dev.hangar.activities.routing;

/**
 * One pool, as configured under {@code hangar.pools[*]}: a job whose labels include the pool's name
 * runs on the pool's template.
 *
 * @param name the runner label that selects this pool, for example {@code macos-large}
 *     (case-sensitive)
 * @param template the id of a template in {@code hangar.templates}
 * @param tag the template tag to use, or {@code null} for the template's default tag
 * @param trust what the pool trusts, or {@code null} for {@code hangar.trust}
 */
public record PoolSpec(String name, String template, String tag, TrustSpec trust) {}
