package dev.hangar.workflows.github;

/**
 * A secret sealed with AES-GCM under a key shared by the orchestrator and the hosts, so that what
 * Temporal stores in a workflow's history is ciphertext. Only the host that runs the VM opens it.
 *
 * @param keyId which key sealed it, so keys can be rotated
 * @param ciphertext base64 of nonce followed by ciphertext and tag
 */
public record SealedSecret(String keyId, String ciphertext) {

  @Override
  public String toString() {
    return "SealedSecret[keyId=" + keyId + "]";
  }
}
