package dev.hangar.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Every REST call the emulator received, for tests that assert an API budget. Thread-safe. */
public final class CallLog {

  /**
   * One call.
   *
   * @param endpoint {@code METHOD path-template} (see {@link Endpoints}), or {@code METHOD path}
   *     for a path the emulator does not know
   * @param path the request path with its query
   * @param status the status answered
   * @param at when it arrived
   * @param method the HTTP method
   * @param body the request body as sent (UTF-8), empty if none
   */
  public record Call(String endpoint, String path, int status, Instant at, String method, String body) {

    public Call(String endpoint, String path, int status, Instant at) {
      this(endpoint, path, status, at, endpoint.substring(0, Math.max(0, endpoint.indexOf(' '))), "");
    }
  }

  private final List<Call> calls = new ArrayList<>();

  synchronized void record(Call call) {
    calls.add(call);
  }

  /** All calls so far, oldest first. */
  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** How many calls one endpoint received. */
  public synchronized int count(String endpoint) {
    return (int) calls.stream().filter(c -> c.endpoint().equals(endpoint)).count();
  }

  /** How many calls were received in all. */
  public synchronized int total() {
    return calls.size();
  }

  /** Calls per endpoint. */
  public synchronized Map<String, Integer> counts() {
    Map<String, Integer> out = new TreeMap<>();
    calls.forEach(c -> out.merge(c.endpoint(), 1, Integer::sum));
    return out;
  }

  /** Forgets every call. */
  public synchronized void clear() {
    calls.clear();
  }
}
