package dev.hangar.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The automatic {@code workflow_job} deliveries, sent as the events happen by a number of sender
 * threads, so that up to that many deliveries are in flight at once and they may arrive in any
 * order, as GitHub's do (one sender: one at a time, in the order the events happened). Tests can ask
 * for GitHub's misbehaviours: every delivery sent twice (same {@code X-GitHub-Delivery}, as a
 * redelivery has), the next deliveries of an action dropped (GitHub never sends them), every
 * delivery late, or deliveries held and released in a given order. Deliveries released together
 * (held ones, a reorder window) go one after another through one sender, so they arrive in exactly
 * the order asked for.
 */
final class WebhookQueue implements AutoCloseable {

  /** An event to deliver, rendered when it happened. */
  record Pending(long jobId, String action, ObjectNode payload) {}

  private static final Logger LOG = LoggerFactory.getLogger(WebhookQueue.class);

  private final BiFunction<String, Pending, WebhookDelivery> send;
  private final Consumer<WebhookDelivery> record;
  /** Each entry is sent by one sender, its deliveries one after another. */
  private final BlockingQueue<List<Pending>> outbox = new LinkedBlockingQueue<>();
  private final List<Thread> senders = new ArrayList<>();
  private final ScheduledExecutorService timer;

  private boolean duplicate;
  private Duration delay = Duration.ZERO;
  private final Map<String, Integer> drops = new HashMap<>();
  private boolean holding;
  private final List<Pending> held = new ArrayList<>();
  private int window;
  private DeliveryOrder windowOrder = DeliveryOrder.REVERSED;
  private Duration maxHold = Duration.ofSeconds(1);
  private final List<Pending> windowed = new ArrayList<>();
  private ScheduledFuture<?> windowTimer;
  /** Deliveries handed to the senders and not yet sent. */
  private int unsent;
  private volatile boolean closed;

  /**
   * @param send sends one delivery with the given delivery id, and answers its outcome
   * @param record keeps an outcome in the delivery log
   * @param concurrency most deliveries in flight at once, at least 1
   */
  WebhookQueue(BiFunction<String, Pending, WebhookDelivery> send, Consumer<WebhookDelivery> record, int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
    }
    this.send = send;
    this.record = record;
    for (int i = 1; i <= concurrency; i++) {
      Thread sender = new Thread(this::sendLoop, "github-emulator-hooks-" + i);
      sender.setDaemon(true);
      senders.add(sender);
    }
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "github-emulator-hooks-timer");
      t.setDaemon(true);
      return t;
    });
    senders.forEach(Thread::start);
  }

  /** Queues an event; called in the order the events happen. */
  synchronized void submit(Pending pending) {
    if (closed) {
      return;
    }
    int drop = drops.getOrDefault(pending.action(), 0);
    if (drop > 0) {
      drops.put(pending.action(), drop - 1);
      LOG.info("dropping workflow_job {} of job {} (GitHub never sends it)", pending.action(), pending.jobId());
      return;
    }
    if (holding) {
      held.add(pending);
    } else if (window > 0) {
      windowed.add(pending);
      if (windowed.size() >= window) {
        flushWindow();
      } else if (windowTimer == null) {
        windowTimer = timer.schedule(this::flushWindow, maxHold.toMillis(), TimeUnit.MILLISECONDS);
      }
    } else {
      enqueue(List.of(pending));
    }
  }

  synchronized void duplicate(boolean enabled) {
    duplicate = enabled;
  }

  synchronized void delay(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + d);
    }
    delay = d;
  }

  synchronized void drop(String action, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, was " + count);
    }
    drops.put(action, count);
  }

  synchronized void hold() {
    holding = true;
  }

  synchronized void release(DeliveryOrder order) {
    holding = false;
    enqueue(ordered(held, order));
    held.clear();
  }

  synchronized void reorder(int windowSize, DeliveryOrder order, Duration hold) {
    if (windowSize < 0 || hold.isNegative()) {
      throw new IllegalArgumentException("window must be ≥ 0 and hold not negative");
    }
    flushWindow();
    window = windowSize;
    windowOrder = order;
    maxHold = hold;
  }

  /** Back to prompt, single deliveries; anything held is sent now, in order. */
  synchronized void reset() {
    duplicate = false;
    delay = Duration.ZERO;
    drops.clear();
    window = 0;
    flushWindow();
    release(DeliveryOrder.IN_ORDER);
  }

  /** Whether nothing is waiting to be sent or being sent. */
  synchronized boolean idle() {
    return unsent == 0 && held.isEmpty() && windowed.isEmpty();
  }

  /** Hands deliveries to one sender, which sends them in this order. */
  private synchronized void enqueue(List<Pending> pending) {
    if (pending.isEmpty()) {
      return;
    }
    unsent += pending.size();
    outbox.add(List.copyOf(pending));
  }

  private synchronized void sent() {
    unsent--;
  }

  private synchronized void flushWindow() {
    if (windowTimer != null) {
      windowTimer.cancel(false);
      windowTimer = null;
    }
    enqueue(ordered(windowed, windowOrder));
    windowed.clear();
  }

  private static List<Pending> ordered(List<Pending> pending, DeliveryOrder order) {
    List<Pending> out = new ArrayList<>(pending);
    switch (order) {
      case REVERSED -> Collections.reverse(out);
      case SHUFFLED -> Collections.shuffle(out);
      case IN_ORDER -> { }
    }
    return out;
  }

  private void sendLoop() {
    while (!closed) {
      List<Pending> batch;
      try {
        batch = outbox.take();
      } catch (InterruptedException e) {
        return;
      }
      for (Pending next : batch) {
        try {
          sendOne(next);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          LOG.warn("webhook delivery of job {} {} failed", next.jobId(), next.action(), e);
        } finally {
          sent();
        }
      }
    }
  }

  private void sendOne(Pending next) throws InterruptedException {
    boolean twice;
    Duration late;
    synchronized (this) {
      twice = duplicate;
      late = delay;
    }
    if (!late.isZero()) {
      Thread.sleep(late.toMillis());
    }
    String deliveryId = UUID.randomUUID().toString();
    record.accept(send.apply(deliveryId, next));
    if (twice) {
      record.accept(send.apply(deliveryId, next));
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    senders.forEach(Thread::interrupt);
    timer.shutdownNow();
    try {
      for (Thread sender : senders) {
        sender.join(5000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
