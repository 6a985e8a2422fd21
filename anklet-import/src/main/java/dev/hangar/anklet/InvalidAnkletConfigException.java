package dev.hangar.anklet;

import java.nio.file.Path;

/** An input that is not a usable Anklet {@code config.yml}; the message names the file and the key. */
final class InvalidAnkletConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  InvalidAnkletConfigException(Path file, String key, String problem) {
    super(file + ": " + (key.isEmpty() ? "" : key + ": ") + problem);
  }
}
