#include "http/multipart.hpp"

#include <utility>

#include "core/api_error.hpp"
#include "core/text.hpp"
#include "core/utf8.hpp"

namespace sb::http {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

[[noreturn]] void malformed(const std::string& what) {
  throw ApiError::bad_request("Malformed multipart/form-data body: " + what);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One parameter value at the start of `rest` (a token, or a quoted-string whose backslashes
// escape the next character); advances `rest` past it. nullopt for an unterminated quote.
std::optional<std::string> param_value(std::string_view& rest) {
  if (rest.empty() || rest.front() != '"') {
    const auto end = rest.find(';');
    std::string value(trim(rest.substr(0, end)));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    return value;
  }
  std::string value;
  for (std::size_t i = 1; i < rest.size(); ++i) {
    if (rest[i] == '\\' && i + 1 < rest.size()) {
      value.push_back(rest[++i]);
    } else if (rest[i] == '"') {
      rest.remove_prefix(i + 1);
      return value;
    } else {
      value.push_back(rest[i]);
    }
  }
  return std::nullopt;
}

// "type; a=1; b=\"x y\"" → the lower-cased type, and the parameters with lower-cased names.
// nullopt when a quoted value is unterminated.
std::optional<std::pair<std::string, Params>> split_header(std::string_view header) {
  const auto semi = header.find(';');
  std::pair<std::string, Params> out{ascii_lower(trim(header.substr(0, semi))), {}};
  std::string_view rest = semi == std::string_view::npos ? "" : header.substr(semi);
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the ';'
    rest = trim(rest);
    const auto eq = rest.find('=');
    const auto semi_next = rest.find(';');
    if (eq == std::string_view::npos || (semi_next != std::string_view::npos && semi_next < eq)) {
      rest = semi_next == std::string_view::npos ? "" : rest.substr(semi_next);
      continue;  // a parameter without a value: ignored
    }
    std::string name = ascii_lower(trim(rest.substr(0, eq)));
    rest = trim(rest.substr(eq + 1));
    auto value = param_value(rest);
    if (!value) return std::nullopt;
    out.second.emplace_back(std::move(name), std::move(*value));
    rest = trim(rest);
    if (!rest.empty() && rest.front() != ';') {
      const auto skip = rest.find(';');  // junk after a quoted value: skipped
      rest = skip == std::string_view::npos ? "" : rest.substr(skip);
    }
  }
  return out;
}

const std::string* param(const Params& params, std::string_view name) {
  for (const auto& [k, v] : params)
    if (k == name) return &v;
  return nullptr;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 5987 ext-value: charset'language'percent-encoded. UTF-8 is kept; ISO-8859-1 is
// converted to UTF-8; anything else (or bad escapes) is nullopt, so filename= applies.
std::optional<std::string> decode_ext_value(std::string_view ext) {
  const auto q1 = ext.find('\'');
  const auto q2 = q1 == std::string_view::npos ? q1 : ext.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return std::nullopt;
  const std::string charset = ascii_lower(ext.substr(0, q1));
  const bool latin1 = charset == "iso-8859-1";
  if (charset != "utf-8" && !latin1) return std::nullopt;
  std::string out;
  for (std::size_t i = q2 + 1; i < ext.size(); ++i) {
    unsigned char byte = static_cast<unsigned char>(ext[i]);
    if (ext[i] == '%') {
      if (i + 2 >= ext.size()) return std::nullopt;
      const int hi = hex_digit(ext[i + 1]);
      const int lo = hex_digit(ext[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      byte = static_cast<unsigned char>(hi * 16 + lo);
      i += 2;
    }
    if (latin1) {
      utf8::append(out, byte);  // an ISO-8859-1 byte is its own code point
    } else {
      out.push_back(static_cast<char>(byte));
    }
  }
  return out;
}

// Applies one header line of a part.
void read_header(std::string_view line, FormPart& part, bool& has_disposition) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || line.front() == ' ' || line.front() == '\t')
    malformed("a part header is not a \"Name: value\" line");
  const std::string name = ascii_lower(trim(line.substr(0, colon)));
  const std::string_view value = trim(line.substr(colon + 1));
  if (name == "content-type") {
    part.content_type = std::string(value);
    return;
  }
  if (name != "content-disposition") return;  // others (Content-Transfer-Encoding) are ignored
  auto split = split_header(value);
  if (!split) malformed("a Content-Disposition header has an unterminated quoted value");
  if (split->first != "form-data") malformed("a part's Content-Disposition is not form-data");
  has_disposition = true;
  if (const auto* n = param(split->second, "name")) part.name = *n;
  if (const auto* ext = param(split->second, "filename*"))
    if (auto decoded = decode_ext_value(*ext)) part.filename = std::move(decoded);
  if (!part.filename)
    if (const auto* f = param(split->second, "filename")) part.filename = *f;
}

// Reads the header lines of a part starting at `pos`; returns the offset of its data.
std::size_t read_headers(std::string_view body, std::size_t pos, const MultipartLimits& limits,
                         FormPart& part) {
  bool has_disposition = false;
  // Line ends are only looked for within the limit, so a part without any costs no more.
  const std::string_view window = body.substr(0, pos + limits.max_header_bytes + 2);
  while (true) {
    const auto nl = window.find('\n', pos);
    if (nl == std::string_view::npos) {
      if (window.size() == body.size())
        malformed("a part's headers are not terminated by an empty line");
      malformed("a part's headers exceed " + std::to_string(limits.max_header_bytes) + " bytes");
    }
    std::string_view line = body.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl + 1;
    if (line.empty()) break;
    read_header(line, part, has_disposition);
  }
  if (!has_disposition) malformed("a part has no Content-Disposition: form-data header");
  if (part.name.empty()) malformed("a part's Content-Disposition has no name");
  return pos;
}

// Where the delimiter line starting at `pos` ("--boundary" already matched, `pos` just past
// it) ends: past its line end (another part follows), or npos with `closing` set ("--").
// Returns nullopt when the characters after it make it no delimiter at all.
std::optional<std::size_t> after_delimiter(std::string_view body, std::size_t pos, bool& closing) {
  closing = body.substr(pos, 2) == "--";
  if (closing) return std::string_view::npos;
  while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;  // padding
  if (body.substr(pos, 2) == "\r\n") return pos + 2;
  if (body.substr(pos, 1) == "\n") return pos + 1;
  return std::nullopt;
}

// The next delimiter at or after `from`, at the start of a line: its offset (at its "--"),
// the end of the data before it (without the line break), and where what follows begins.
struct Delimiter {
  std::size_t data_end = 0;
  std::size_t next = 0;
  bool closing = false;
};

std::optional<Delimiter> find_delimiter(std::string_view body, std::string_view dash_boundary,
                                        std::size_t from) {
  for (std::size_t at = from;; ++at) {
    at = body.find(dash_boundary, at);
    if (at == std::string_view::npos) return std::nullopt;
    if (at > 0 && body[at - 1] != '\n') continue;
    Delimiter d;
    auto next = after_delimiter(body, at + dash_boundary.size(), d.closing);
    if (!next) continue;  // "--boundaryX…": data that merely starts like a delimiter
    d.next = *next;
    d.data_end = at;
    if (d.data_end > from && body[d.data_end - 1] == '\n') --d.data_end;
    if (d.data_end > from && body[d.data_end - 1] == '\r') --d.data_end;
    return d;
  }
}

}  // namespace

std::optional<std::string> form_data_boundary(std::string_view content_type) {
  auto split = split_header(content_type);
  if (!split || split->first != "multipart/form-data") return std::nullopt;
  const auto* boundary = param(split->second, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70) return std::nullopt;
  for (char c : *boundary)
    if (c < 0x20 || c > 0x7E) return std::nullopt;
  return *boundary;
}

std::vector<FormPart> parse_form_data(std::string_view body, std::string_view boundary,
                                      const MultipartLimits& limits) {
  const std::string dash_boundary = "--" + std::string(boundary);
  auto d = find_delimiter(body, dash_boundary, 0);
  if (!d) malformed("no part delimited by the Content-Type's boundary");
  std::vector<FormPart> parts;
  while (!d->closing) {
    if (parts.size() == limits.max_parts)
      malformed("more than " + std::to_string(limits.max_parts) + " parts");
    FormPart part;
    const std::size_t data = read_headers(body, d->next, limits, part);
    auto end = find_delimiter(body, dash_boundary, data);
    if (!end) malformed("the body ends before its closing boundary (" + dash_boundary + "--)");
    part.data = body.substr(data, end->data_end - data);
    parts.push_back(std::move(part));
    d = end;
  }
  return parts;
}

}  // namespace sb::http
