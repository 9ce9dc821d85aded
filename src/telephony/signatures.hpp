#pragma once
// The signatures telephony providers put on their webhooks, verified with OpenSSL. Each
// function answers false (never throws) for anything malformed, and compares in constant time.

#include <cstdint>
#include <optional>
#include <string_view>

#include "http/message.hpp"

namespace sb::telephony {

/// Whether two secrets are equal, in time that does not depend on where they differ; an empty
/// one equals nothing.
bool equal_in_constant_time(std::string_view a, std::string_view b);

/// Twilio: base64(HMAC-SHA1(auth_token, url + each POST param name+value sorted by name)).
/// `url` is the full URL Twilio requested (scheme, host, path, query); as Twilio's own
/// libraries do, it is also tried with the scheme's default port added or removed, since
/// Twilio may sign either form. An empty auth token or signature never validates.
bool twilio_signature_valid(std::string_view auth_token, std::string_view url,
                            const http::Fields& form_params, std::string_view signature);

/// Vonage signed webhooks: `Authorization: Bearer <JWT>`, HS256 with the signature secret.
/// Verifies the signature and, when a body is sent, the `payload_hash` claim (SHA-256 hex of
/// the body); rejects any alg other than HS256. With `now_seconds`, also rejects a token past
/// its `exp` or before its `nbf`.
bool vonage_signature_valid(std::string_view secret, std::string_view authorization,
                            std::string_view body,
                            std::optional<std::int64_t> now_seconds = std::nullopt);

/// Telnyx: Ed25519 over "{timestamp}|{body}" with the account's public key (base64 of the 32
/// raw bytes, or of its DER SubjectPublicKeyInfo), from the headers telnyx-signature-ed25519
/// (base64) and telnyx-timestamp (Unix seconds). Rejects timestamps more than 5 minutes away
/// from `now_seconds`, either way.
bool telnyx_signature_valid(std::string_view public_key_base64, std::string_view timestamp,
                            std::string_view body, std::string_view signature_base64,
                            std::int64_t now_seconds);

}  // namespace sb::telephony
