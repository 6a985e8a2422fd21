package dev.hangar.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A webhook receiver for tests: keeps each delivery's id, action and job id, answers 202. */
final class Receiver implements AutoCloseable {

  /** One delivery as received. */
  record Received(String deliveryId, String action, long jobId) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpServer server;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

  Receiver() {
    server = loopbackServer();
    server.createContext("/hook", exchange -> {
      JsonNode body = MAPPER.readTree(exchange.getRequestBody().readAllBytes());
      received.add(new Received(
          exchange.getRequestHeaders().getFirst("X-GitHub-Delivery"),
          body.path("action").asText(),
          body.at("/workflow_job/id").asLong()));
      byte[] answer = "{\"outcome\":\"accepted\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(202, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
  }

  /** An HTTP server on a free loopback port, not started yet. */
  static HttpServer loopbackServer() {
    try {
      return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  /** The next {@code n} deliveries, waiting at most 5 s for each. */
  List<Received> next(int n) throws InterruptedException {
    List<Received> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Received r = received.poll(5, TimeUnit.SECONDS);
      if (r == null) {
        throw new AssertionError("only " + out.size() + " of " + n + " deliveries arrived: " + out);
      }
      out.add(r);
    }
    return out;
  }

  /** Whatever arrives within {@code millis}. */
  List<Received> within(long millis) throws InterruptedException {
    Thread.sleep(millis);
    List<Received> out = new ArrayList<>();
    received.drainTo(out);
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
