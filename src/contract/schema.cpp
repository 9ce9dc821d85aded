#include "contract/schema.hpp"

#include <algorithm>

namespace sb::contract {
namespace {
constexpr std::size_t kLinearEnum = 8;  // below this, a scan beats binary search
}

bool EnumValues::contains(std::string_view s) const {
  if (strings.size() <= kLinearEnum) {
    return std::find(strings.begin(), strings.end(), s) != strings.end();
  }
  auto it = std::lower_bound(sorted.begin(), sorted.end(), s,
                             [&](std::uint32_t i, std::string_view v) { return strings[i] < v; });
  return it != sorted.end() && strings[*it] == s;
}

bool EnumValues::contains(double d) const {
  return std::find(numbers.begin(), numbers.end(), d) != numbers.end();
}

const Schema* Discriminator::find(std::string_view value) const {
  for (const auto& [key, schema] : mapping) {
    if (key == value) return schema;
  }
  return nullptr;
}

int Schema::find_property(std::string_view name) const {
  auto it =
      std::lower_bound(by_name.begin(), by_name.end(), name,
                       [&](std::uint32_t i, std::string_view n) { return properties[i].name < n; });
  if (it == by_name.end() || properties[*it].name != name) return -1;
  return static_cast<int>(*it);
}

const Schema& resolve(const Schema& schema) {
  const Schema* s = &schema;
  while (s->kind == Kind::kAlias) s = s->target;  // link() rejects cycles
  return *s;
}

bool accepts_null(const Schema& schema) {
  const Schema* s = &schema;
  while (true) {
    if (s->nullable) return true;
    if (s->kind != Kind::kAlias) return false;
    s = s->target;
  }
}

}  // namespace sb::contract
