package dev.hangar.activities.github;

import java.util.List;

/**
 * What a runner registered with a registration token needs for {@code config.sh}, as the file the
 * in-VM {@code run-runner.sh} reads (the host writes it, opened, mode 0600, where a JIT
 * configuration would go). One {@code key=value} a line after the {@link #HEADER} line; a JIT
 * configuration is base64 and never starts with {@code #}, so the script tells the two apart by
 * the first line. Values hold no line break (checked here), so a line is a value.
 *
 * <pre>
 * # hangar runner registration v1
 * url=https://github.com/acme/app
 * token=AABBCC…
 * name=hangar-12-1
 * labels=self-hosted,macos
 * group=Default
 * work=_work
 * </pre>
 *
 * @param url the repository, organisation or enterprise page the runner registers with
 * @param token the registration token: a credential, sealed before it leaves the activity
 * @param name the runner's name
 * @param labels its labels
 * @param group its runner group's name, or {@code null} for the default
 * @param workFolder its working folder
 */
record RunnerConfigFile(String url, String token, String name, List<String> labels, String group, String workFolder) {

  /** The first line of the file. */
  static final String HEADER = "# hangar runner registration v1";

  RunnerConfigFile {
    labels = List.copyOf(labels);
    for (String value : concat(url, token, name, group, workFolder, String.join(",", labels))) {
      if (value != null && (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0)) {
        throw new IllegalArgumentException("a runner registration value holds a line break or NUL");
      }
    }
  }

  private static List<String> concat(String... values) {
    return java.util.Arrays.asList(values);
  }

  /** The file's text. */
  String render() {
    StringBuilder out = new StringBuilder(HEADER).append('\n')
        .append("url=").append(url).append('\n')
        .append("token=").append(token).append('\n')
        .append("name=").append(name).append('\n')
        .append("labels=").append(String.join(",", labels)).append('\n');
    if (group != null) {
      out.append("group=").append(group).append('\n');
    }
    return out.append("work=").append(workFolder).append('\n').toString();
  }

  @Override
  public String toString() {
    return "RunnerConfigFile[url=" + url + ", token=***, name=" + name + ", labels=" + labels + ", group=" + group + "]";
  }
}
