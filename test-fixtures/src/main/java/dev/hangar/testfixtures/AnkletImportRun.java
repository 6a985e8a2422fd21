package dev.hangar.testfixtures;

import dev.hangar.anklet.AnkletImport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * The Anklet importer run on its vendored example config, and its output bound the way a process
 * started with {@code --spring.config.additional-location} binds it: over the process's own {@code
 * application.yml}, with {@code ${...}} placeholders resolved from the environment. Lets the
 * gateway and worker-host tests prove that the importer writes only keys they really bind.
 *
 * @param status the command's exit status
 * @param report what it printed
 * @param dir where it wrote gateway.yml and host.yml
 */
public record AnkletImportRun(int status, String report, Path dir) {

  /** The example config.yml from the importer's tests, from a module directory. */
  public static final Path EXAMPLE = Path.of("../anklet-import/src/test/resources/anklet/config.yml");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

  /** Runs the importer on the example with each {@code replacements} key replaced by its value. */
  public static AnkletImportRun ofExample(Path dir, Map<String, String> replacements) {
    try {
      String text = Files.readString(EXAMPLE);
      for (Map.Entry<String, String> e : replacements.entrySet()) {
        text = text.replace(e.getKey(), e.getValue());
      }
      Path config = Files.writeString(dir.resolve("config.yml"), text);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
      int status = new AnkletImport(print, print).run(new String[] {config.toString(), "--out", dir.resolve("out").toString()});
      return new AnkletImportRun(status, out.toString(StandardCharsets.UTF_8), dir.resolve("out"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The environment variables a written file takes its {@code ${...}} values from. */
  public Set<String> placeholders(String file) {
    Matcher m = PLACEHOLDER.matcher(read(file));
    Set<String> names = new TreeSet<>();
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /**
   * Binds {@code file} over {@code applicationYml} with {@code environment} as the process
   * environment.
   */
  public Bound bind(String file, Path applicationYml, Map<String, Object> environment) {
    MutablePropertySources sources = new StandardEnvironment().getPropertySources();
    sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    sources.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
    List<PropertySource<?>> imported = load(dir.resolve(file));
    imported.forEach(sources::addLast);
    sources.addLast(load(applicationYml).get(0));
    Binder binder = new Binder(ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(sources));
    Set<String> keys = new TreeSet<>();
    imported.forEach(s -> keys.addAll(List.of(((EnumerablePropertySource<?>) s).getPropertyNames())));
    return new Bound(binder, keys);
  }

  private String read(String file) {
    try {
      return Files.readString(dir.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<PropertySource<?>> load(Path yaml) {
    try {
      return new YamlPropertySourceLoader().load(yaml.toString(), new FileSystemResource(yaml));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A binder over an imported file that remembers every name it bound. */
  public static final class Bound {

    private final Binder binder;
    private final Set<String> importedKeys;
    private final Set<ConfigurationPropertyName> bound = new HashSet<>();
    private final AbstractBindHandler tracking = new AbstractBindHandler() {
      @Override
      public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
        bound.add(name);
        return super.onSuccess(name, target, context, result);
      }
    };

    Bound(Binder binder, Set<String> importedKeys) {
      this.binder = binder;
      this.importedKeys = importedKeys;
    }

    /** Binds {@code prefix} to {@code type} as the process does, defaults included. */
    public <T> T bind(String prefix, Class<T> type) {
      return binder.bindOrCreate(prefix, Bindable.of(type), tracking);
    }

    /** Keys of the imported file that nothing bound so far: a typo or a key the process lacks. */
    public List<String> unboundKeys() {
      List<String> unbound = new ArrayList<>();
      for (String key : importedKeys) {
        if (!bound.contains(ConfigurationPropertyName.of(key))) {
          unbound.add(key);
        }
      }
      return unbound;
    }
  }
}
