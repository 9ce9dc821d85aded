#include "domain/phone_numbers/phone_number_rules.hpp"

#include <algorithm>
#include <cctype>

namespace sb::phone_numbers {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Characters RFC 3261 allows in a user part (unreserved, escaped, user-unreserved).
bool is_sip_user_char(char c) {
  return is_alnum(c) || std::string_view("-_.!~*'()%&=+$,;?/").find(c) != std::string_view::npos;
}

bool is_host_char(char c) {
  return is_alnum(c) || c == '-' || c == '.' || c == '[' || c == ']' || c == ':';
}

void check_pstn_number(const boost::json::object& doc, bool e164_required,
                       std::vector<std::string>& messages) {
  const auto number = string_field(doc, "number");
  if (!number) return;
  if (e164_required && !is_e164(*number)) {
    messages.push_back(
        "number must be a valid E.164 phone number, such as +14155550100 (set "
        "numberE164CheckEnabled to false to allow other formats)");
  } else if (!e164_required && !is_relaxed_number(*number)) {
    messages.push_back("number must contain only letters and digits, optionally after a leading +");
  }
}

void require(const boost::json::object& doc, std::string_view key,
             std::vector<std::string>& messages) {
  if (!string_field(doc, key)) messages.push_back(std::string(key) + " must be a string");
}

}  // namespace

std::optional<std::string_view> string_field(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string_view(v->get_string());
}

bool is_e164(std::string_view n) {
  if (n.size() < 3 || n.size() > 16 || n[0] != '+' || n[1] == '0') return false;
  return std::all_of(n.begin() + 1, n.end(), is_digit);
}

bool is_relaxed_number(std::string_view n) {
  if (!n.empty() && n[0] == '+') n.remove_prefix(1);
  return !n.empty() && std::all_of(n.begin(), n.end(), is_alnum);
}

std::optional<SipUri> parse_sip_uri(std::string_view uri) {
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string scheme = lower(uri.substr(0, colon));
  if (scheme != "sip" && scheme != "sips") return std::nullopt;
  std::string_view rest = uri.substr(colon + 1);
  const auto at = rest.find('@');
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  const std::string_view user = rest.substr(0, at);
  std::string_view host = rest.substr(at + 1);
  host = host.substr(0, host.find(';'));
  if (host.empty() || !std::all_of(user.begin(), user.end(), is_sip_user_char) ||
      !std::all_of(host.begin(), host.end(), is_host_char))
    return std::nullopt;
  return SipUri{lower(user), lower(host)};
}

std::optional<std::string> nanp_area_code(std::string_view n) {
  if (n.size() != 12 || n.substr(0, 2) != "+1" || !is_e164(n)) return std::nullopt;
  return std::string(n.substr(2, 3));
}

const std::vector<std::string>& secret_paths() {
  static const std::vector<std::string> kPaths = {"twilioAuthToken", "twilioApiSecret",
                                                  "authentication.password"};
  return kPaths;
}

std::vector<std::string> check_document(const boost::json::object& doc) {
  std::vector<std::string> messages;
  const std::string_view provider = string_field(doc, "provider").value_or("");
  if (provider == "byo-phone-number") {
    const auto* flag = doc.if_contains("numberE164CheckEnabled");
    const bool e164 = !(flag && flag->is_bool() && !flag->get_bool());
    check_pstn_number(doc, e164, messages);
    require(doc, "credentialId", messages);
  } else if (provider == "twilio") {
    require(doc, "number", messages);
    require(doc, "twilioAccountSid", messages);
    check_pstn_number(doc, true, messages);
  } else if (provider == "vonage" || provider == "telnyx") {
    require(doc, "number", messages);
    require(doc, "credentialId", messages);
    check_pstn_number(doc, true, messages);
  } else if (provider == "vapi") {
    const auto sip_uri = string_field(doc, "sipUri");
    if (sip_uri && !parse_sip_uri(*sip_uri))
      messages.push_back("sipUri must be a valid SIP URI of the form sip:user@host");
    const auto area_code = string_field(doc, "numberDesiredAreaCode");
    if (!sip_uri && !area_code && !string_field(doc, "number"))
      messages.push_back("a vapi phone number needs numberDesiredAreaCode or sipUri");
    if (area_code && !std::all_of(area_code->begin(), area_code->end(), is_digit))
      messages.push_back("numberDesiredAreaCode must be a 3-digit area code");
  }
  return messages;
}

}  // namespace sb::phone_numbers
