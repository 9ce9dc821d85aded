#pragma once
// The rules of a phone number that need no storage: number formats per provider, SIP URIs,
// area codes, write-only secrets and PATCH merging. Pure functions over JSON documents, so
// they are unit-tested without a server or a database.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace sb::phone_numbers {

inline constexpr std::string_view kProviders[] = {"byo-phone-number", "twilio", "vonage", "vapi",
                                                  "telnyx"};

/// "+" then 2 to 15 digits, the first not 0.
bool is_e164(std::string_view number);
/// What a number may be when the E.164 check is off: an optional "+" then letters and digits
/// ("+001234567890", "1234", "abc").
bool is_relaxed_number(std::string_view number);

struct SipUri {
  std::string user;  ///< lower-cased: SIP URIs match case-insensitively
  std::string host;
};
/// Parses "sip:user@host[:port][;params]" (also "sips:"). nullopt when malformed.
std::optional<SipUri> parse_sip_uri(std::string_view uri);

/// The three-digit area code of a NANP number ("+14155550100" → "415"); nullopt otherwise.
std::optional<std::string> nanp_area_code(std::string_view e164);

/// Write-only fields, as dotted paths from the document root ("twilioAuthToken",
/// "authentication.password"): accepted on create and update, never returned.
const std::vector<std::string>& secret_paths();

/// The provider-specific rules on a whole document (after create defaults or a merged PATCH).
/// Returns class-validator-style messages; empty when the document is valid.
std::vector<std::string> check_document(const boost::json::object& document);

/// Reads a string property; nullopt if absent or not a string.
std::optional<std::string_view> string_field(const boost::json::object& o, std::string_view key);

}  // namespace sb::phone_numbers
