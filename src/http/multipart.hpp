#pragma once
// multipart/form-data request bodies (RFC 7578 over RFC 2046), parsed in place: each part's
// bytes are a view into the body, so parsing copies no file data, and what it does keep (part
// names, a few headers) is bounded by MultipartLimits. Hostile input gets a 400 that says
// what is wrong, never a crash or unbounded work: every scan moves forward through the body.
//
// Lenient where real clients differ: bare LF line ends as well as CRLF, a preamble before the
// first delimiter and an epilogue after the last, transport padding after a delimiter, quoted
// or bare boundary and parameter values, and filename*= (RFC 5987/6266) over filename=.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::http {

struct FormPart {
  std::string name;                     ///< the form field name
  std::optional<std::string> filename;  ///< set for file parts; filename* decoded to UTF-8
  std::string content_type;             ///< the part's own Content-Type; "" when absent
  std::string_view data;                ///< the part's bytes: a view into the parsed body
};

struct MultipartLimits {
  std::size_t max_parts = 16;
  std::size_t max_header_bytes = 8 * 1024;  ///< all header lines of one part together
};

/// The boundary of a `multipart/form-data` Content-Type (any case, quoted or not); nullopt
/// for another media type or a missing, empty or over-long (> 70) boundary.
std::optional<std::string> form_data_boundary(std::string_view content_type);

/// Splits `body` into its parts, in order. Throws ApiError (400) naming what is malformed:
/// no delimiter, a missing closing delimiter, a part without Content-Disposition: form-data
/// or without a name, a malformed header, too many parts, headers over the limit.
std::vector<FormPart> parse_form_data(std::string_view body, std::string_view boundary,
                                      const MultipartLimits& limits = {});

}  // namespace sb::http
