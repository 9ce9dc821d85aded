#pragma once
// Oracle for multipart/form-data bodies (src/http/multipart.hpp). The input's first line is the
// Content-Type header value, the rest the body. Every input must end in one of two ways: parts
// that are views into the body, within the limits, each named; or a 400 ApiError. Any other
// exception, a part outside the body or over the limits is a failure.

#include <string>
#include <string_view>

#include "core/api_error.hpp"
#include "http/multipart.hpp"

namespace sb::fuzz {

inline std::string check_multipart(std::string_view input) {
  const auto eol = input.find('\n');
  const std::string_view content_type = input.substr(0, eol);
  const std::string_view body = eol == std::string_view::npos ? "" : input.substr(eol + 1);
  const auto boundary = http::form_data_boundary(content_type);
  if (!boundary) return {};
  if (boundary->empty() || boundary->size() > 70) return "accepted a boundary of bad length";
  const http::MultipartLimits limits;
  try {
    const auto parts = http::parse_form_data(body, *boundary, limits);
    if (parts.size() > limits.max_parts) return "more parts than the limit";
    for (const auto& part : parts) {
      if (part.name.empty()) return "a part without a name";
      const bool inside =
          part.data.empty() || (part.data.data() >= body.data() &&
                                part.data.data() + part.data.size() <= body.data() + body.size());
      if (!inside) return "a part's data is not a view into the body";
    }
  } catch (const ApiError& e) {
    if (e.code() != ErrorCode::kBadRequest) return "an ApiError that is not a 400";
    if (e.messages().empty() || e.messages().front().empty()) return "a 400 without a message";
  }
  return {};
}

}  // namespace sb::fuzz
