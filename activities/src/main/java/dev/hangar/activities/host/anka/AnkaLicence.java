package dev.hangar.activities.host.anka;

import java.util.Optional;
import java.util.Set;

/**
 * What {@code anka -j license show} says about this host's licence.
 *
 * @param status {@code valid} when usable; anything else (expired, invalid) is refused
 * @param licenseType for example {@code com.veertu.anka.build}
 * @param product the product name Anka reports
 */
public record AnkaLicence(String status, String licenseType, String product) {

  /**
   * Licence types that allow only one VM at a time or no CI use (Anka Develop, Anka Run): a host
   * with one of them cannot serve Hangar's two VMs per Mac. The same set Veertu's own Anklet refuses.
   */
  static final Set<String> SINGLE_VM_TYPES = Set.of("com.veertu.anka.develop", "com.veertu.anka.run");

  /** Why this licence cannot run Hangar's VMs, or empty if it can. */
  public Optional<String> problem() {
    if (!"valid".equalsIgnoreCase(status)) {
      return Optional.of("the Anka licence is not valid (status '" + status + "', type '" + licenseType
          + "'): activate or renew it with 'sudo anka license activate <key>'");
    }
    if (licenseType != null && SINGLE_VM_TYPES.contains(licenseType.toLowerCase(java.util.Locale.ROOT))) {
      return Optional.of("the Anka licence '" + licenseType + "' runs one VM at a time and is not for CI"
          + " hosts: Hangar needs an Anka Build licence");
    }
    return Optional.empty();
  }
}
