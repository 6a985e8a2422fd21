package dev.hangar.activities.host.anka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.host.DriverTests;
import dev.hangar.activities.host.VmDriverContractTest;
import dev.hangar.workflows.template.Resources;
import dev.hangar.workflows.template.TemplateRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnkaVmDriverTest extends VmDriverContractTest {

  static final Resources SIZE = new Resources(4, 8192, 80);

  FakeAnka fake;
  long stagingBefore;

  @Override
  protected void createFake() throws Exception {
    fake = new FakeAnka(dir);
  }

  @Override
  protected AnkaVmDriver newDriver(Path scriptsDir) {
    return new AnkaVmDriver(settings(scriptsDir, null));
  }

  @Override
  protected DriverTests.FakeState files() {
    return fake.files();
  }

  @Override
  protected void failOnce(String command, String stage) throws IOException {
    fake.fail(command, 1, stage);
  }

  @Override
  protected void configure(String key, Object value) throws IOException {
    fake.set(key, value);
  }

  @Override
  protected String limitText() {
    return "maximum supported number of active virtual machines";
  }

  @Override
  protected List<DriverTests.ThrowingCall> moreCallsWithName(String name) {
    return List.of(() -> anka().registryResources(new TemplateRef(name, null, SIZE)));
  }

  @Override
  protected List<List<String>> pullArgvs(TemplateRef template) {
    List<String> tag = template.tag() == null ? List.of() : List.of("--tag", template.tag());
    return List.of(registry("pull", "--check-download-size", tag, template.id()),
        registry("pull", "--shrink", tag, template.id()));
  }

  private static List<String> registry(String command, String option, List<String> tag, String id) {
    List<String> argv = new ArrayList<>(List.of("-j", "registry", command, option));
    argv.addAll(tag);
    argv.add(id);
    return argv;
  }

  @Override
  protected String pullCommand() {
    return "registry pull";
  }

  @Override
  protected String failedPullText() {
    return "registry pull macos-15 failed";
  }

  @Override
  protected List<List<String>> startArgvs(String vm) {
    return List.of(List.of("-j", "clone", "--tag", "v1", "macos-15", vm), List.of("-j", "start", vm));
  }

  /** Anka's {@code clone} of an existing VM only says it exists, so it is asked again; not {@code start}. */
  @Override
  protected List<List<String>> newVmCommands() {
    return List.of(startCommand());
  }

  @Override
  protected List<String> startCommand() {
    return List.of("-j", "start");
  }

  @Override
  protected List<Step> startSteps(String vm) {
    return List.of(new Step("clone", "clone macos-15 " + vm + " failed"), new Step("start", "start " + vm + " failed"));
  }

  @Override
  protected void stopOutsideTheDriver(String vm) throws Exception {
    assertThat(new ProcessBuilder(fake.executable.toString(), "-j", "stop", vm).start().waitFor()).isZero();
  }

  @Override
  protected List<List<String>> deleteArgvs(String vm) {
    return List.of(List.of("-j", "stop", vm), List.of("-j", "delete", "--yes", vm));
  }

  @Override
  protected String configCopyCommand() {
    return "cp";
  }

  /** {@code anka cp -a <staging dir> <vm>:}, the staging directory holding the config file. */
  @Override
  protected boolean isConfigCopy(List<String> argv, String vm) {
    return argv.size() == 5 && argv.get(1).equals("cp") && argv.get(2).equals("-a") && argv.get(4).equals(vm + ":");
  }

  /** The host's staging copy is gone. */
  @Override
  protected void assertNoConfigLeftOnHost(String vm) throws IOException {
    assertThat(stagingDirs()).isEqualTo(stagingBefore);
  }

  /** A linked clone, never a full copy. */
  @Override
  protected void assertStartedAsTheCliDoes(String vm) throws IOException {
    assertThat(fake.files().argvLog()).doesNotContain("--copy").doesNotContain("\"-c\"");
  }

  @BeforeEach
  void countStagingDirs() throws IOException {
    stagingBefore = stagingDirs();
  }

  AnkaVmDriver anka() {
    return (AnkaVmDriver) driver;
  }

  AnkaSettings settings(Path scripts, String registry) {
    return new AnkaSettings(fake.executable, scripts, registry, Duration.ofSeconds(30), Duration.ofSeconds(60));
  }

  // ---- start-up: version and licence ----

  @Test
  void verifyReportsVersionAndLicence() {
    AnkaHostInfo info = anka().verify();
    assertThat(info.version()).isEqualTo("3.5.3");
    assertThat(info.licence().licenseType()).isEqualTo("com.veertu.anka.build");
  }

  @Test
  void anExpiredLicenceIsRefusedWithAClearMessage() throws IOException {
    fake.licence("expired", "com.veertu.anka.build");
    assertThatThrownBy(anka()::verify)
        .isInstanceOf(AnkaUnusableException.class)
        .hasMessageContaining("not valid (status 'expired'")
        .hasMessageContaining("anka license activate");
  }

  @Test
  void aSingleVmLicenceIsRefused() throws IOException {
    fake.licence("valid", "com.veertu.anka.develop");
    assertThatThrownBy(anka()::verify)
        .isInstanceOf(AnkaUnusableException.class)
        .hasMessageContaining("com.veertu.anka.develop")
        .hasMessageContaining("one VM at a time");
  }

  @Test
  void anExecutableThatDoesNotRunIsRefused() {
    AnkaVmDriver missing = new AnkaVmDriver(settings(null, null).withExecutable(dir.resolve("no-such-anka")));
    assertThatThrownBy(missing::verify)
        .isInstanceOf(AnkaUnusableException.class)
        .hasMessageContaining("cannot run")
        .hasMessageContaining("no-such-anka");
  }

  // ---- templates ----

  @Test
  void aConfiguredRegistryIsPassedAsRemote() throws IOException {
    AnkaVmDriver remote = new AnkaVmDriver(settings(null, "https://registry.example:8089"));
    remote.ensureTemplate(V1, () -> {});
    assertThat(fake.files().argvs()).contains(List.of(
        "-j", "registry", "--remote", "https://registry.example:8089", "pull", "--shrink", "--tag", "v1", "macos-15"));
  }

  @Test
  void aHostileRegistryIsRefused() {
    for (String registry : List.of("-rf", "a b", "$(id)", "x;y", "")) {
      assertThatThrownBy(() -> settings(null, registry)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aPullThatDoesNotFitTheDiskIsRefusedBeforeItStarts() throws IOException {
    fake.set("available_bytes", 1024);
    assertThatThrownBy(() -> driver.ensureTemplate(V1, () -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not enough disk");
    assertThat(fake.files().argvs()).noneMatch(argv -> argv.contains("--shrink"));
  }

  @Test
  void theRegistryDescribesTemplates() throws IOException {
    assertThat(anka().registryTemplates()).containsExactly("macos-15");
    assertThat(anka().registryResources(V1))
        .contains(new TemplateResources(4, 8L << 30, 80L << 30));
    assertThat(anka().registryResources(V1).orElseThrow().memoryMb()).isEqualTo(8192);
    assertThat(anka().registryResources(new TemplateRef("nope", null, SIZE))).isEmpty();
  }

  private static long stagingDirs() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("hangar-anka-")).count();
    }
  }
}
