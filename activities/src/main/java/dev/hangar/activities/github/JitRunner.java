package dev.hangar.activities.github;

/**
 * A runner GitHub created with a just-in-time configuration.
 *
 * @param id GitHub's runner id
 * @param name the runner's name
 * @param encodedJitConfig the base64 configuration the runner starts with: a credential, sealed
 *     before it leaves the activity, never printed
 */
public record JitRunner(long id, String name, String encodedJitConfig) {

  @Override
  public String toString() {
    return "JitRunner[id=" + id + ", name=" + name + ", encodedJitConfig=***]";
  }
}
