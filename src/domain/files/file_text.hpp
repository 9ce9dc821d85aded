#pragma once
// The text of an uploaded text file, as `parsedTextUrl` serves it: plain types as they are
// (without a UTF-8 byte-order mark), HTML without its markup. One pass, no recursion, output
// never longer than the input: safe on any bytes.

#include <optional>
#include <string>
#include <string_view>

#include "domain/files/file_types.hpp"

namespace sb::files {

/// HTML → text: tags dropped (block-level ones end a line), comments, <script> and <style>
/// dropped with their content, character references decoded, runs of spaces collapsed.
std::string html_to_text(std::string_view html);

/// The text of a file of `type`; nullopt for binary types. Expects valid UTF-8.
std::optional<std::string> extract_text(const FileType& type, std::string_view bytes);

}  // namespace sb::files
