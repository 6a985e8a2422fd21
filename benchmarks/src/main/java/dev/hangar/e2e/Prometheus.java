package dev.hangar.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads a counter from a process's {@code /actuator/prometheus}. */
final class Prometheus {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Prometheus() {}

  /** The sum of every series of the metric (all label sets), or -1 if the process has none. */
  static double sum(AppProcess process, String metric) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(
        HttpRequest.newBuilder(URI.create(process.baseUrl() + "/actuator/prometheus")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    double sum = 0;
    boolean found = false;
    for (String line : r.body().lines().toList()) {
      if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    return found ? sum : -1;
  }
}
