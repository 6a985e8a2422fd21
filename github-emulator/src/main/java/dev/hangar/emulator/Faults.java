package dev.hangar.emulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Queues of injected faults per endpoint; each call takes the next one. Thread-safe. */
final class Faults {

  private final Map<String, Deque<Fault>> queues = new HashMap<>();

  synchronized void add(String endpoint, Fault fault) {
    queues.computeIfAbsent(endpoint, k -> new ArrayDeque<>()).add(fault);
  }

  synchronized Optional<Fault> next(String endpoint) {
    Deque<Fault> queue = queues.get(endpoint);
    return queue == null ? Optional.empty() : Optional.ofNullable(queue.poll());
  }

  synchronized void clear() {
    queues.clear();
  }
}
