#pragma once
// The file types an upload may have: the formats Vapi's knowledge bases take (.txt, .pdf,
// .docx, .doc, .csv, .md, .tsv, .yaml, .json, .xml, .log) and HTML. A type is named by the
// file's extension; text types have their text extracted (HTML without its markup), binary
// documents must start with their format's signature.

#include <string>
#include <string_view>

namespace sb::files {

struct FileType {
  enum class Text {
    kNone,   ///< a binary document: stored and served, no text extracted
    kPlain,  ///< UTF-8 text, extracted as it is
    kHtml,   ///< UTF-8 HTML, extracted without its markup
  };
  std::string_view extension;  ///< canonical, lower case, without the dot: "md"
  std::string_view mimetype;   ///< "text/markdown"
  Text text = Text::kNone;
  std::string_view magic = {};  ///< leading bytes every file of the type has ("%PDF-")
  std::string_view label = {};  ///< for messages: "a PDF"
};

/// The type of a file extension (any case, without the dot; "yml" and "htm" are aliases);
/// nullptr when unknown.
const FileType* type_by_extension(std::string_view extension);

/// The type of a MIME type (parameters ignored), for a file name without an extension;
/// nullptr when unknown or generic (application/octet-stream).
const FileType* type_by_mimetype(std::string_view mimetype);

/// ".csv, .doc, …" for messages.
std::string supported_extensions();

}  // namespace sb::files
