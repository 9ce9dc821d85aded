#include "domain/files/file_types.hpp"

#include <array>

#include "core/text.hpp"

namespace sb::files {
namespace {

using Text = FileType::Text;
using namespace std::string_view_literals;

// Sorted by extension (messages list them in this order).
constexpr std::array kTypes = {
    FileType{"csv", "text/csv", Text::kPlain},
    FileType{"doc", "application/msword", Text::kNone, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"sv,
             "a Word 97-2003 document"},
    FileType{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             Text::kNone, "PK\x03\x04"sv, "a Word document (a ZIP archive)"},
    FileType{"html", "text/html", Text::kHtml},
    FileType{"json", "application/json", Text::kPlain},
    FileType{"log", "text/plain", Text::kPlain},
    FileType{"md", "text/markdown", Text::kPlain},
    FileType{"pdf", "application/pdf", Text::kNone, "%PDF-"sv, "a PDF"},
    FileType{"tsv", "text/tab-separated-values", Text::kPlain},
    FileType{"txt", "text/plain", Text::kPlain},
    FileType{"xml", "application/xml", Text::kPlain},
    FileType{"yaml", "application/yaml", Text::kPlain},
};

const FileType* find(std::string_view extension) {
  for (const auto& t : kTypes)
    if (t.extension == extension) return &t;
  return nullptr;
}

}  // namespace

const FileType* type_by_extension(std::string_view extension) {
  const std::string ext = ascii_lower(extension);
  if (ext == "yml") return find("yaml");
  if (ext == "htm") return find("html");
  if (ext == "markdown") return find("md");
  return find(ext);
}

const FileType* type_by_mimetype(std::string_view mimetype) {
  std::string type = ascii_lower(mimetype.substr(0, mimetype.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type == "text/x-markdown") return find("md");
  if (type == "text/yaml" || type == "application/x-yaml") return find("yaml");
  if (type == "text/xml") return find("xml");
  for (const auto& t : kTypes)
    if (t.mimetype == type && t.extension != "log") return &t;
  return nullptr;
}

std::string supported_extensions() {
  std::string out;
  for (const auto& t : kTypes) {
    if (!out.empty()) out += ", ";
    out += ".";
    out += t.extension;
  }
  return out + ", .htm, .markdown, .yml";
}

}  // namespace sb::files
