#include "telephony/sip/sip_info_dtmf.hpp"

#include <cctype>

namespace sb::telephony::sip {
namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<char> key_of(std::string_view signal) {
  signal = trimmed(signal);
  if (signal == "10") return '*';
  if (signal == "11") return '#';
  if (signal.size() != 1) return std::nullopt;
  const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(signal[0])));
  if (std::isdigit(static_cast<unsigned char>(c)) || c == '*' || c == '#' || (c >= 'A' && c <= 'D'))
    return c;
  return std::nullopt;
}

bool same_word(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  return true;
}

}  // namespace

std::optional<char> info_dtmf_digit(std::string_view content_type, std::string_view body) {
  if (content_type == "application/dtmf") return key_of(body);
  if (content_type != kDtmfRelayType) return std::nullopt;
  while (!body.empty()) {
    const auto end = body.find('\n');
    const auto line = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    if (same_word(trimmed(line.substr(0, equals)), "signal"))
      return key_of(line.substr(equals + 1));
  }
  return std::nullopt;
}

std::string dtmf_relay_body(char digit, int duration_ms) {
  return "Signal=" + std::string(1, digit) + "\r\nDuration=" + std::to_string(duration_ms) + "\r\n";
}

}  // namespace sb::telephony::sip
