package dev.hangar.activities.host.hooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.workflows.routing.TrustPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The in-VM side of a pool's trust policy, for every driver: {@value #HOOK} (the runner's
 * job-started hook, which {@code start-runner.sh} sets as {@code ACTIONS_RUNNER_HOOK_JOB_STARTED}),
 * {@value #CHECK} (the check it runs with the runner's Node.js) and {@value #POLICY} (the policy as
 * JSON data, so no name from GitHub or the configuration is ever part of a script). The hook chains
 * to an operator's {@code job-started.sh} once the check passes. See docs/security.md.
 */
public final class TrustHook {

  /** The job-started hook. */
  public static final String HOOK = "trust-check.sh";

  /** The check the hook runs. */
  public static final String CHECK = "trust-check.js";

  /** The policy the check reads. */
  public static final String POLICY = "trust-policy.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] HOOK_SCRIPT = resource(HOOK);
  private static final byte[] CHECK_SCRIPT = resource(CHECK);

  private TrustHook() {}

  /** The files that make the VM enforce {@code policy}; {@link HookFiles#NONE} for {@code null}. */
  public static HookFiles files(TrustPolicy policy) {
    if (policy == null) {
      return HookFiles.NONE;
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(HOOK, HOOK_SCRIPT);
    files.put(CHECK, CHECK_SCRIPT);
    files.put(POLICY, policyJson(policy));
    return new HookFiles(files);
  }

  /** The policy as the check reads it. */
  static byte[] policyJson(TrustPolicy policy) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("owners", policy.owners());
    json.put("repositories", policy.repositories());
    json.put("denyRepositories", policy.denyRepositories());
    json.put("events", policy.events());
    json.put("allowForkPullRequests", policy.allowForkPullRequests());
    try {
      return JSON.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the trust policy as JSON", e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = TrustHook.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("built-in hook file " + name + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
