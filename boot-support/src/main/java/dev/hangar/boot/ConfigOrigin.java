package dev.hangar.boot;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.Environment;

/** Where a configuration key got its value: a file and line, an environment variable, or nowhere. */
public final class ConfigOrigin {

  private ConfigOrigin() {}

  /**
   * {@code " (value from URL [file:/etc/hangar/application.yml] - 12:18)"}, {@code " (value from
   * System Environment Property "HANGAR_JOB_MAX_ATTEMPTS")"} and the like, or an empty string when
   * no source is known for the key.
   */
  public static String describe(Environment environment, String key) {
    if (environment == null || key == null || !ConfigurationPropertyName.isValid(key)) {
      return "";
    }
    ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      ConfigurationProperty property = source.getConfigurationProperty(name);
      if (property != null) {
        Object where = property.getOrigin() != null ? property.getOrigin() : source.getUnderlyingSource();
        return " (value from " + where + ")";
      }
    }
    return "";
  }
}
