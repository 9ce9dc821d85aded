#include "http/message.hpp"

namespace sb::http {

std::string_view method_name(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      break;
  }
  return "OTHER";
}

Method parse_method(std::string_view name) {
  if (name == "GET") return Method::kGet;
  if (name == "POST") return Method::kPost;
  if (name == "PATCH") return Method::kPatch;
  if (name == "DELETE") return Method::kDelete;
  if (name == "PUT") return Method::kPut;
  if (name == "HEAD") return Method::kHead;
  if (name == "OPTIONS") return Method::kOptions;
  return Method::kOther;
}

const std::string& Request::param(std::string_view name) const {
  static const std::string kEmpty;
  for (const auto& [k, v] : path_params)
    if (k == name) return v;
  return kEmpty;
}

std::optional<std::string_view> Request::query_value(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

}  // namespace sb::http
