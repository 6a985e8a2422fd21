package dev.hangar.emulator;

/** An error answer with GitHub's JSON error body. */
final class ApiError extends RuntimeException {

  static final String DOCS = "https://docs.github.com/rest";

  final int status;
  final String documentationUrl;

  ApiError(int status, String message, String documentationUrl) {
    super(message, null, false, false);
    this.status = status;
    this.documentationUrl = documentationUrl;
  }

  static ApiError notFound() {
    return new ApiError(404, "Not Found", DOCS);
  }
}
