package dev.hangar.activities.host.anka;

/**
 * What Anka reports about itself at start-up.
 *
 * @param version Anka's version, for example {@code 3.5.3}
 * @param licence its licence
 */
public record AnkaHostInfo(String version, AnkaLicence licence) {}
