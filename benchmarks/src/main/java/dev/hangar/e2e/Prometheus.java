package dev.hangar.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads a counter from a process's {@code /actuator/prometheus}. The Temporal SDK registers a
 * counter on its first increment, so a counter that is absent has never been incremented: 0.
 */
final class Prometheus {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Prometheus() {}

  /** The sum of every series of the counter (all label sets); 0 if the process has none yet. */
  static double sum(AppProcess process, String metric) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(
        HttpRequest.newBuilder(URI.create(process.baseUrl() + "/actuator/prometheus")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(process.name() + " answered " + r.statusCode() + " on /actuator/prometheus");
    }
    double sum = 0;
    for (String line : r.body().lines().toList()) {
      if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
