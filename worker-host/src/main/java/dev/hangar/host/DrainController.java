package dev.hangar.host;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /drain}: the drain state; {@code POST /drain}: stop taking new work and stay up once
 * drained; {@code POST /drain?exit=true}: the same, then exit once no VM is left. On the host's
 * HTTP port ({@code server.port}). See {@link HostDrain}.
 */
@RestController
class DrainController {

  private final HostDrain drain;

  DrainController(HostDrain drain) {
    this.drain = drain;
  }

  @GetMapping(path = "/drain", produces = "application/json")
  Map<String, Object> status() {
    return drain.status();
  }

  @PostMapping(path = "/drain", produces = "application/json")
  ResponseEntity<Map<String, Object>> drain(@RequestParam(name = "exit", defaultValue = "false") boolean exit) {
    drain.drain(exit);
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(drain.status());
  }

  /** The drain's beans: the exit it takes when asked to, and the {@code host} health details. */
  @Configuration(proxyBeanMethods = false)
  static class DrainBeans {

    /** Closes the context (which waits for nothing more: the host is drained) and exits with 0. */
    @Bean
    HostDrain.Exit hostExit(ApplicationContext context) {
      return () -> System.exit(SpringApplication.exit(context, () -> 0));
    }

    /** {@code components.host} of {@code /actuator/health}: UP, with the drain state and VMs. */
    @Bean
    HealthIndicator hostHealthIndicator(HostDrain drain) {
      return () -> Health.up().withDetails(drain.status()).build();
    }
  }
}
