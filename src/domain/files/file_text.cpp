#include "domain/files/file_text.hpp"

#include <algorithm>
#include <array>

#include "core/utf8.hpp"

namespace sb::files {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

// Position of `needle` (lower case) in `text` from `from`, ignoring ASCII case.
std::size_t find_nocase(std::string_view text, std::string_view needle, std::size_t from) {
  if (from >= text.size()) return std::string_view::npos;
  const auto it =
      std::search(text.begin() + static_cast<std::ptrdiff_t>(from), text.end(), needle.begin(),
                  needle.end(), [](char a, char b) { return lower(a) == b; });
  return it == text.end() ? std::string_view::npos : static_cast<std::size_t>(it - text.begin());
}

// The '>' that ends the tag starting at `from`, skipping quoted attribute values.
std::size_t tag_end(std::string_view html, std::size_t from) {
  char quote = 0;
  for (std::size_t i = from; i < html.size(); ++i) {
    const char c = html[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return i;
    }
  }
  return std::string_view::npos;
}

bool is_block(std::string_view name) {
  static constexpr std::array<std::string_view, 30> kBlocks = {
      "address", "article", "aside", "blockquote", "br",   "dd",  "div", "dl",
      "dt",      "footer",  "form",  "h1",         "h2",   "h3",  "h4",  "h5",
      "h6",      "header",  "hr",    "li",         "main", "nav", "ol",  "p",
      "pre",     "section", "table", "title",      "tr",   "ul"};
  return std::find(kBlocks.begin(), kBlocks.end(), name) != kBlocks.end();
}

// A character reference at `i` ('&'): appends what it stands for and returns its length, or
// 0 when it is none (the '&' is then text).
std::size_t reference(std::string_view html, std::size_t i, std::string& out) {
  const auto semi = html.find(';', i);
  if (semi == std::string_view::npos || semi - i > 10 || semi - i < 3) return 0;
  const std::string_view name = html.substr(i + 1, semi - i - 1);
  // The references documents use most; others stay as written.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 20> kNamed = {{
      {"amp", "&"},         {"lt", "<"},         {"gt", ">"},         {"quot", "\""},
      {"apos", "'"},        {"nbsp", " "},       {"ndash", "\u2013"}, {"mdash", "\u2014"},
      {"hellip", "\u2026"}, {"lsquo", "\u2018"}, {"rsquo", "\u2019"}, {"ldquo", "\u201C"},
      {"rdquo", "\u201D"},  {"laquo", "\u00AB"}, {"raquo", "\u00BB"}, {"middot", "\u00B7"},
      {"bull", "\u2022"},   {"copy", "\u00A9"},  {"reg", "\u00AE"},   {"euro", "\u20AC"},
  }};
  for (const auto& [n, text] : kNamed)
    if (name == n) return out.append(text), semi - i + 1;
  if (name[0] != '#') return 0;
  const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
  const std::string_view digits = name.substr(hex ? 2 : 1);
  if (digits.empty()) return 0;
  unsigned long cp = 0;
  for (char c : digits) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    if (hex && lower(c) >= 'a' && lower(c) <= 'f') d = lower(c) - 'a' + 10;
    if (d < 0) return 0;
    cp = cp * (hex ? 16 : 10) + static_cast<unsigned long>(d);  // ≤ 8 digits: no overflow
  }
  // NUL and what is not a Unicode scalar value read as U+FFFD, as HTML parsers read them.
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  utf8::append(out, static_cast<char32_t>(cp));
  return semi - i + 1;
}

// Collapses spaces within lines, trims lines, drops empty ones (markup ends lines liberally:
// "</li><li>" would otherwise leave blank lines everywhere).
std::string tidy(std::string_view raw) {
  std::string out;
  std::size_t newlines = 0;
  bool space = false;
  for (char c : raw) {
    if (c == '\n') {
      ++newlines;
      space = false;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      space = true;
    } else {
      if (!out.empty()) {
        if (newlines)
          out.push_back('\n');
        else if (space)
          out.push_back(' ');
      }
      newlines = 0;
      space = false;
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string html_to_text(std::string_view html) {
  std::string raw;
  raw.reserve(html.size());
  for (std::size_t i = 0; i < html.size();) {
    const char c = html[i];
    if (c == '&') {
      const std::size_t used = reference(html, i, raw);
      if (used) {
        i += used;
        continue;
      }
    }
    if (c != '<') {
      raw.push_back(c);
      ++i;
      continue;
    }
    if (html.substr(i, 4) == "<!--") {
      const auto end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    std::size_t k = i + 1;
    const bool closing = k < html.size() && html[k] == '/';
    if (closing) ++k;
    std::string name;
    while (k < html.size() && is_alnum(html[k]) && name.size() < 16)
      name.push_back(lower(html[k++]));
    const bool markup = !name.empty() || (k < html.size() && (html[k] == '!' || html[k] == '?'));
    if (!markup) {  // "a < b": a plain '<'
      raw.push_back(c);
      ++i;
      continue;
    }
    const auto end = tag_end(html, k);
    i = end == std::string_view::npos ? html.size() : end + 1;
    if (!closing && (name == "script" || name == "style")) {
      const auto close = find_nocase(html, name == "script" ? "</script" : "</style", i);
      const auto close_end = close == std::string_view::npos ? close : tag_end(html, close);
      i = close_end == std::string_view::npos ? html.size() : close_end + 1;
      continue;
    }
    if (is_block(name))
      raw.push_back('\n');
    else if (name == "td" || name == "th")
      raw.push_back(' ');
  }
  return tidy(raw);
}

std::optional<std::string> extract_text(const FileType& type, std::string_view bytes) {
  if (bytes.starts_with(kBom)) bytes.remove_prefix(kBom.size());
  switch (type.text) {
    case FileType::Text::kNone:
      return std::nullopt;
    case FileType::Text::kPlain:
      return std::string(bytes);
    case FileType::Text::kHtml:
      return html_to_text(bytes);
  }
  return std::nullopt;
}

}  // namespace sb::files
