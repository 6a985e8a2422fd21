package dev.hangar.gateway;

import dev.hangar.workflows.HangarSearchAttributes;
import io.temporal.testing.TestWorkflowEnvironment;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Registers Hangar's search attributes with the starter's in-process test server, as the local
 * stack and a production server must: a job workflow that sets an unknown one cannot progress.
 */
@TestConfiguration(proxyBeanMethods = false)
class TestServerSearchAttributes {

  @Bean
  InitializingBean hangarSearchAttributesRegistered(TestWorkflowEnvironment testEnvironment) {
    return () -> HangarSearchAttributes.ALL.forEach(
        key -> testEnvironment.registerSearchAttribute(key.getName(), key.getValueType()));
  }
}
