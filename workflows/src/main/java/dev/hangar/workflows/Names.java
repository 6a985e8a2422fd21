package dev.hangar.workflows;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How workflow ids, VM names and runner names are derived from a GitHub job id.
 *
 * <p>They carry nothing but the job id and a VM ordinal: no repository name, no label, no secret.
 * A runner name therefore says which workflow owns the VM it runs in, which is how an event about a
 * job that GitHub gave to <em>another</em> job's runner reaches the workflow that must clean up.
 */
public final class Names {

  private static final Pattern RUNNER = Pattern.compile("hangar-(\\d{1,19})-(\\d{1,3})");
  private static final Pattern WORKFLOW = Pattern.compile("hangar-job-(\\d{1,19})");

  private Names() {}

  /** The workflow id of a GitHub job: {@code hangar-job-<jobId>}. */
  public static String workflowId(long jobId) {
    return "hangar-job-" + jobId;
  }

  /** The job id of a job workflow id, if the id is one of ours. */
  public static Optional<Long> jobOfWorkflow(String workflowId) {
    return parseGroup(WORKFLOW, workflowId);
  }

  /**
   * The name of the {@code ordinal}-th VM of a job, also the name of the runner inside it:
   * {@code hangar-<jobId>-<ordinal>}.
   */
  public static String vmName(long jobId, int ordinal) {
    return "hangar-" + jobId + "-" + ordinal;
  }

  /** The job id whose workflow owns the runner of that name, if the name is one of ours. */
  public static Optional<Long> ownerJobOfRunner(String runnerName) {
    return parseGroup(RUNNER, runnerName);
  }

  private static Optional<Long> parseGroup(Pattern pattern, String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = pattern.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(m.group(1)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
