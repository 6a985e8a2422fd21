package dev.hangar.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a request body into memory, refusing one larger than a limit without buffering past it. */
final class LimitedBody {

  /** The body is larger than the limit. */
  static final class TooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    TooLargeException(long limit) {
      super("body larger than " + limit + " bytes");
    }
  }

  private LimitedBody() {}

  /**
   * Reads all of {@code in}.
   *
   * @param declaredLength the Content-Length, or -1 if unknown; a declared length over the limit
   *     is refused before anything is read
   * @param limit the largest body accepted, in bytes
   * @throws TooLargeException as soon as more than {@code limit} bytes are declared or read
   */
  static byte[] read(InputStream in, long declaredLength, long limit) throws IOException, TooLargeException {
    if (declaredLength > limit) {
      throw new TooLargeException(limit);
    }
    int initial = (int) Math.min(declaredLength >= 0 ? declaredLength : 8192, Math.min(limit, 1 << 20));
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(initial, 16));
    byte[] buffer = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      total += n;
      if (total > limit) {
        throw new TooLargeException(limit);
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }
}
