package dev.hangar.activities.host.anka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.activities.host.DriverTests;
import dev.hangar.activities.host.HostActivitiesImpl;
import dev.hangar.activities.host.HostResources;
import dev.hangar.activities.host.VmDriver;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.host.HostActivities;
import dev.hangar.workflows.template.Resources;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Template eviction on an Anka host: {@link HostActivitiesImpl} over the Anka driver and the fake
 * {@code anka}. The disk is 100 GiB with 10% kept free; each template takes 40 GiB.
 */
class AnkaTemplateEvictionTest {

  static final long GIB = 1L << 30;
  static final long DISK_GB = 100;

  @TempDir Path dir;
  FakeAnka fake;
  AnkaVmDriver driver;
  TestActivityEnvironment env;
  HostActivities host;

  static TemplateRef template(String id) {
    return new TemplateRef(id, "v1", new Resources(2, 4096, 40));
  }

  @BeforeEach
  void setUp() throws Exception {
    fake = new FakeAnka(dir);
    for (String id : List.of("a", "b", "c")) {
      fake.registry(id, 2, 4L << 30, 80L << 30, "v1");
      ((ObjectNode) fake.config.get("registry").get(id)).put("image_size", 40 * GIB);
    }
    fake.save();
    driver = newDriver();
    startHost();
  }

  AnkaVmDriver newDriver() {
    return new AnkaVmDriver(new AnkaSettings(fake.executable, null, null, Duration.ofSeconds(30), Duration.ofSeconds(60)));
  }

  void startHost() {
    env = DriverTests.hostEnvironment(
        driver, 4, 16, 65536, SecretSealer.fromBase64(SecretSealer.newKey()), this::resources);
    host = DriverTests.hostStub(env);
  }

  @AfterEach
  void tearDown() throws IOException {
    env.close();
    DriverTests.deleteVms(driver);
  }

  /** The disk: 100 GiB minus what the templates on it take, as Anka reports it ({@code image_size}). */
  HostResources resources() {
    return DriverTests.diskHoldingTemplates(driver, DISK_GB);
  }

  List<String> templateIds() throws IOException {
    return driver.templates().stream().map(VmDriver.TemplateInfo::id).sorted().toList();
  }

  boolean deleted(String id) throws IOException {
    return fake.files().argvs().contains(List.of("-j", "delete", "--yes", id));
  }

  @Test
  void theLeastRecentlyUsedTemplateMakesRoom() throws IOException {
    host.ensureTemplate(template("a"));
    host.ensureTemplate(template("b"));
    host.startVm("hangar-1-1", template("a")); // a is used after b was pulled
    host.deleteVm("hangar-1-1");

    host.ensureTemplate(template("c")); // 20 GiB free, 40 + 10 needed: one template must go

    assertThat(templateIds()).containsExactly("a", "c");
    assertThat(deleted("b")).isTrue();
    assertThat(deleted("a")).isFalse();
  }

  @Test
  void aTemplateAVmIsClonedFromIsNeverEvicted() throws IOException {
    host.ensureTemplate(template("a"));
    host.ensureTemplate(template("b"));
    host.startVm("hangar-1-1", template("a"));
    host.startVm("hangar-2-1", template("b"));

    Throwable e = catchThrowable(() -> host.ensureTemplate(template("c")));

    assertThat(e).isInstanceOf(ActivityFailure.class);
    assertThat(e.getCause()).isInstanceOfSatisfying(ApplicationFailure.class, f -> {
      assertThat(f.getType()).isEqualTo(Failures.HOST_IO); // retryable: room frees when a VM goes
      assertThat(f.getOriginalMessage()).contains("not enough disk");
    });
    assertThat(templateIds()).containsExactly("a", "b");
    assertThat(fake.files().argvLog()).doesNotContain("\"delete\", \"--yes\", \"a\"").doesNotContain("\"delete\", \"--yes\", \"b\"");

    host.deleteVm("hangar-2-1");
    host.ensureTemplate(template("c")); // b is free now
    assertThat(templateIds()).containsExactly("a", "c");
  }

  @Test
  void afterARestartATemplateOfAnUnknownVmIsKept() throws IOException {
    host.ensureTemplate(template("a"));
    host.ensureTemplate(template("b"));
    host.startVm("hangar-1-1", template("a"));
    env.close();
    driver = newDriver(); // the host restarted: it does not know what hangar-1-1 was cloned from
    startHost();

    Throwable e = catchThrowable(() -> host.ensureTemplate(template("c")));

    assertThat(e).isInstanceOf(ActivityFailure.class);
    assertThat(templateIds()).containsExactly("a", "b");
    host.deleteVm("hangar-1-1");
    host.ensureTemplate(template("c"));
    assertThat(templateIds()).hasSize(2).contains("c");
  }

  @Test
  void theDriverListsTemplatesWithTheirDiskAndDeletesThem() throws IOException {
    host.ensureTemplate(template("a"));
    host.startVm("hangar-1-1", template("a"));

    assertThat(driver.templates()).singleElement().satisfies(t -> {
      assertThat(t.id()).isEqualTo("a");
      assertThat(t.tag()).isEqualTo("v1");
      assertThat(t.sizeBytes()).isEqualTo(40 * GIB);
      assertThat(t.inUse()).isTrue();
    });
    assertThat(catchThrowable(() -> driver.deleteTemplate("a", null))) // Anka refuses: a linked clone needs it
        .isInstanceOf(IOException.class)
        .hasMessageContaining("linked clones");

    host.deleteVm("hangar-1-1");
    assertThat(driver.templates()).singleElement().satisfies(t -> assertThat(t.inUse()).isFalse());
    driver.deleteTemplate("a", "v9"); // another tag: not here, nothing to do
    assertThat(templateIds()).containsExactly("a");
    driver.deleteTemplate("a", "v1");
    driver.deleteTemplate("a", "v1"); // gone already
    assertThat(templateIds()).isEmpty();
  }
}
