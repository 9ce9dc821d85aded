// Contract::validate_query: query parameters arrive as text, so types are parsed the way
// NestJS's class-transformer would convert them before class-validator runs.

#include <algorithm>

#include "contract/checks.hpp"
#include "contract/contract_impl.hpp"
#include "contract/formats.hpp"
#include "contract/validator.hpp"

namespace sb::contract {
namespace {

struct TextFailure {
  std::uint32_t bits = 0;
  const Schema* schema = nullptr;  // the node the failed checks belong to
};

TextFailure text_failures(const Schema& schema, std::string_view text) {
  const Schema& s = resolve(schema);
  switch (s.kind) {
    case Kind::kString:
      return {string_failures(s, text), &s};
    case Kind::kNumber:
    case Kind::kInteger: {
      auto d = parse_decimal(text);
      if (!d) return {bit(s.kind == Kind::kInteger ? Code::kInteger : Code::kNumber), &s};
      return {number_failures(s, *d), &s};
    }
    case Kind::kBoolean:
      return {text == "true" || text == "false" ? 0u : bit(Code::kBoolean), &s};
    case Kind::kOneOf:
    case Kind::kAnyOf: {
      TextFailure first;
      for (const Schema* b : s.branches) {
        TextFailure f = text_failures(*b, text);
        if (f.bits == 0) return f;
        if (!first.schema) first = f;
      }
      return first;
    }
    default:
      return {};  // objects and free-form values: nothing to check in text
  }
}

// The items of one value of a `…Any` list parameter: comma-separated, spaces trimmed, empty
// items dropped, as the list endpoints read them (api/resources/list_request.cpp). A value
// with no items at all is checked whole, so `idAny=` is still an invalid UUID.
std::vector<std::string_view> list_items(std::string_view name, std::string_view text) {
  if (!name.ends_with("Any")) return {text};
  std::vector<std::string_view> items;
  const std::string_view whole = text;
  while (true) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) items.push_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (items.empty()) items.push_back(whole);
  return items;
}

void check_value(const Parameter& p, std::string_view text, std::vector<std::string>& out) {
  const Schema& s = resolve(*p.schema);
  const bool each = s.kind == Kind::kArray;  // repeated values of a list parameter
  for (std::string_view item : each ? list_items(p.name, text) : std::vector{text}) {
    TextFailure f = text_failures(each ? *s.items : s, item);
    for_each_failure(f.bits, [&](Code c) {
      Message message{c, p.name, f.schema};
      message.each = each;
      auto m = render({}, message);
      if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(std::move(m));
    });
  }
}

const Parameter* find_query_parameter(const Operation& op, std::string_view name) {
  for (const auto& p : op.parameters) {
    if (p.in == "query" && p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace

std::vector<std::string> Contract::validate_query(const Operation& op,
                                                  const QueryParams& query) const {
  std::vector<std::string> out;
  for (const auto& p : op.parameters) {
    if (p.in != "query" || !p.schema) continue;
    bool seen = false;
    for (const auto& [name, value] : query) {
      if (name != p.name) continue;
      seen = true;
      check_value(p, value, out);
    }
    if (!seen && p.required) out.push_back(render({}, missing_message(*p.schema, p.name)));
  }
  for (std::size_t i = 0; i < query.size(); ++i) {
    const auto& name = query[i].first;
    bool repeated = std::any_of(query.begin(), query.begin() + i,
                                [&](const auto& q) { return q.first == name; });
    if (!repeated && !find_query_parameter(op, name)) {
      out.push_back(render({}, Message{Code::kUnknown, name}));
    }
  }
  if (out.size() > kMaxMessages) out.resize(kMaxMessages);
  return out;
}

std::vector<std::string> Contract::validate_path(const Operation& op,
                                                 const QueryParams& params) const {
  std::vector<std::string> out;
  for (const auto& p : op.parameters) {
    if (p.in != "path" || !p.schema) continue;
    for (const auto& [name, value] : params)
      if (name == p.name) check_value(p, value, out);
  }
  return out;
}

}  // namespace sb::contract
