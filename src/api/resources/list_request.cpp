#include "api/resources/list_request.hpp"

#include <algorithm>

#include "api/common/list_params.hpp"
#include "contract/contract.hpp"
#include "core/text.hpp"

namespace sb::api {
namespace {

using storage::FieldFilter;

bool is_generic(std::string_view name) {
  return name == "limit" || name == "page" || name == "sortOrder" || name == "sortBy" ||
         name.starts_with("createdAt") || name.starts_with("updatedAt");
}

// Every value given for `name`: repeated parameters and comma-separated lists alike.
std::vector<std::string> all_values(const http::Request& request, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : request.query) {
    if (k != name) continue;
    std::string_view rest = v;
    while (true) {
      const auto comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (!item.empty()) out.emplace_back(item);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return out;
}

FieldFilter::Type type_of(const contract::Parameter& p) {
  if (!p.schema) return FieldFilter::Type::kText;
  switch (contract::Contract::kind_of(*p.schema)) {
    case contract::ValueKind::kBoolean:
      return FieldFilter::Type::kBoolean;
    case contract::ValueKind::kNumber:
      return FieldFilter::Type::kNumber;
    default:
      return FieldFilter::Type::kText;
  }
}

void add_filter(storage::ResourceQuery& q, const contract::Parameter& p,
                const http::Request& request, const ParamFields& param_fields) {
  std::string field = p.name;
  if (auto it = param_fields.find(p.name); it != param_fields.end()) {
    if (it->second.empty()) return;  // not a filter
    field = it->second;
  }
  if (p.name == "search" || p.name == "name") {
    if (auto v = request.query_value(p.name))
      q.fields.push_back(
          {"", FieldFilter::Op::kContains, FieldFilter::Type::kText, {fold_case(*v)}});
    return;
  }
  const bool any = field.size() > 3 && field.ends_with("Any");
  if (any) field.resize(field.size() - 3);
  std::vector<std::string> values = any ? all_values(request, p.name) : std::vector<std::string>{};
  if (!any) {
    if (p.in == "path") {
      values.push_back(request.param(p.name));
    } else if (auto v = request.query_value(p.name)) {
      values.emplace_back(*v);
    } else {
      return;
    }
  } else if (values.empty() && !request.query_value(p.name)) {
    return;  // not given at all (given but empty matches nothing)
  }
  if (field == "id") std::transform(values.begin(), values.end(), values.begin(), ascii_lower);
  q.fields.push_back({field, FieldFilter::Op::kEquals, type_of(p), std::move(values)});
}

}  // namespace

storage::ResourceQuery resource_query(const contract::Operation& op, const http::Request& request,
                                      const ParamFields& param_fields, bool paged) {
  storage::ResourceQuery q;
  q.time = time_filter_from(request);
  q.limit = integer_query(request, "limit", 100);
  q.page = paged ? std::max<std::int64_t>(1, integer_query(request, "page", 1)) : 0;
  q.ascending = request.query_value("sortOrder") == "ASC";
  q.by_updated_at = request.query_value("sortBy") == "updatedAt";
  for (const auto& p : op.parameters) {
    if ((p.in != "query" && p.in != "path") || is_generic(p.name)) continue;
    add_filter(q, p, request, param_fields);
  }
  return q;
}

std::string render_list(const storage::DocumentPage& page, const storage::ResourceQuery& q,
                        bool paged) {
  std::size_t size = 64;
  for (const auto& d : page.documents) size += d.size() + 1;
  std::string out;
  out.reserve(size);
  if (paged) out += "{\"results\":";
  out.push_back('[');
  for (std::size_t i = 0; i < page.documents.size(); ++i) {
    if (i) out.push_back(',');
    out += page.documents[i];
  }
  out.push_back(']');
  if (paged) {
    const std::int64_t pages = q.limit > 0 ? (page.total + q.limit - 1) / q.limit : 0;
    out += ",\"metadata\":{\"itemsPerPage\":" + std::to_string(q.limit) +
           ",\"totalItems\":" + std::to_string(page.total) +
           ",\"currentPage\":" + std::to_string(q.page) +
           ",\"totalPages\":" + std::to_string(pages) + "}}";
  }
  return out;
}

}  // namespace sb::api
