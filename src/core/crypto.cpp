#include "core/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "core/ids.hpp"

namespace sb {
namespace {

constexpr unsigned char kVersion = 1;
constexpr int kNonceSize = 12;
constexpr int kTagSize = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherCtx new_ctx() {
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) throw std::runtime_error("EVP_CIPHER_CTX_new failed");
  return ctx;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(bytes(data), data.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof digest);
  for (unsigned char c : digest) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0x0f]);
  }
  return out;
}

SecretBox::SecretBox(std::string_view key_hex) {
  if (key_hex.size() != 64) throw std::invalid_argument("the secret key must be 64 hex characters");
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = hex_value(key_hex[2 * i]), lo = hex_value(key_hex[2 * i + 1]);
    if (hi < 0 || lo < 0) throw std::invalid_argument("the secret key must be 64 hex characters");
    key_[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
}

std::string SecretBox::generate_key_hex() {
  return random_hex(32);
}

std::string SecretBox::seal(std::string_view plaintext) const {
  std::string out(1 + kNonceSize + plaintext.size() + kTagSize, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  o[0] = kVersion;
  if (RAND_bytes(o + 1, kNonceSize) != 1) throw std::runtime_error("RAND_bytes failed");
  auto ctx = new_ctx();
  int len = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_, o + 1) != 1 ||
      EVP_EncryptUpdate(ctx.get(), o + 1 + kNonceSize, &len, bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), o + 1 + kNonceSize + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize,
                          o + 1 + kNonceSize + plaintext.size()) != 1)
    throw std::runtime_error("sealing a secret failed");
  return out;
}

std::string SecretBox::open(std::string_view sealed) const {
  if (sealed.size() < 1 + kNonceSize + kTagSize || bytes(sealed)[0] != kVersion)
    throw std::runtime_error("sealed secret is malformed");
  const std::size_t n = sealed.size() - 1 - kNonceSize - kTagSize;
  const unsigned char* nonce = bytes(sealed) + 1;
  const unsigned char* cipher = nonce + kNonceSize;
  std::string out(n, '\0');
  auto ctx = new_ctx();
  int len = 0;
  unsigned char tag[kTagSize];
  std::copy_n(cipher + n, kTagSize, tag);
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_, nonce) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, cipher,
                        static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &len) != 1)
    throw std::runtime_error("sealed secret failed authentication (wrong key or altered data)");
  return out;
}

}  // namespace sb
