package dev.hangar.host;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The process on each Mac: polls its own host queue always and each placement queue while it has
 * room for a VM of that size class. Configuration: {@code application.yml} and {@code
 * docs/worker-host.md}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WorkerHostApplication {

  public static void main(String[] args) {
    SpringApplication.run(WorkerHostApplication.class, args);
  }
}
