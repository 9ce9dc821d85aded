#pragma once
// Small wrappers over OpenSSL: hashing API keys, sealing provider secrets at rest.

#include <string>
#include <string_view>

namespace sb {

/// SHA-256 of `data`, lower-case hex. API keys are stored only as this digest.
std::string sha256_hex(std::string_view data);

/// Authenticated encryption (AES-256-GCM) for secrets at rest. Sealed form:
/// version byte (1) | 12-byte random nonce | ciphertext | 16-byte tag.
/// Thread safety: immutable after construction; seal/open may run on any thread.
class SecretBox {
 public:
  /// `key_hex` must be 64 hex characters (32 bytes). Throws std::invalid_argument otherwise.
  explicit SecretBox(std::string_view key_hex);

  std::string seal(std::string_view plaintext) const;
  /// Throws std::runtime_error when the blob was not sealed with this key or was altered.
  std::string open(std::string_view sealed) const;

  static std::string generate_key_hex();

 private:
  unsigned char key_[32];
};

}  // namespace sb
