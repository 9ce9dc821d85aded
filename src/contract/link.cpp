// Phase 3 of compiling (see compile.hpp): the steps that need every node filled.

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "contract/compile.hpp"

namespace sb::contract {
namespace {

constexpr int kMaxAliasChain = 64;

bool same_values(const EnumValues& a, const EnumValues& b) {
  return a.strings == b.strings && a.numbers == b.numbers;
}

// The branches' enums for `property`, or empty when some object branch lacks a string enum
// there. Non-object branches get nullptr.
std::vector<const EnumValues*> branch_enums(const Schema& u, std::string_view property) {
  std::vector<const EnumValues*> out;
  for (const Schema* b : u.branches) {
    const Schema& r = resolve(*b);
    if (r.kind != Kind::kObject) {
      out.push_back(nullptr);
      continue;
    }
    int i = r.find_property(property);
    const EnumValues* e = i < 0 ? nullptr : resolve(*r.properties[i].schema).enumeration;
    if (!e || e->strings.empty()) return {};
    out.push_back(e);
  }
  return out;
}

// A tag is useful only if it tells some branches apart.
bool discriminates(const std::vector<const EnumValues*>& enums) {
  const EnumValues* first = nullptr;
  for (const auto* e : enums) {
    if (!e) continue;
    if (first && !same_values(*first, *e)) return true;
    first = first ? first : e;
  }
  return false;
}

std::unique_ptr<UnionTag> make_tag(const Schema& u) {
  const Schema* first = nullptr;
  int objects = 0;
  for (const Schema* b : u.branches) {
    const Schema& r = resolve(*b);
    if (r.kind != Kind::kObject) continue;
    first = first ? first : &r;
    ++objects;
  }
  if (objects < 2) return nullptr;
  for (const auto& p : first->properties) {
    auto enums = branch_enums(u, p.name);
    if (enums.empty() || !discriminates(enums)) continue;
    auto tag = std::make_unique<UnionTag>();
    tag->property = p.name;
    std::vector<std::string_view> seen;
    for (const auto* e : enums) {
      for (std::size_t i = 0; e && i < e->strings.size(); ++i) {
        if (std::find(seen.begin(), seen.end(), e->strings[i]) != seen.end()) continue;
        seen.push_back(e->strings[i]);
        if (!tag->listing.empty()) tag->listing += ", ";
        tag->listing += e->strings[i];
      }
    }
    tag->per_branch = std::move(enums);
    return tag;
  }
  return nullptr;
}

}  // namespace

void Compiler::link() {
  check_aliases();
  for (auto& m : merges_) merge(m);
  index_properties();
  tag_unions();
}

void Compiler::check_aliases() const {
  for (const auto& node : arena_.nodes) {
    const Schema* s = &node;
    for (int i = 0; s->kind == Kind::kAlias; ++i, s = s->target) {
      if (i == kMaxAliasChain || !s->target) throw std::runtime_error("contract: cyclic $ref");
    }
  }
}

// allOf of several parts: one object with the properties of all parts, first declaration
// wins; a part that allows extra properties makes the result allow them.
void Compiler::merge(Merge& m) {
  if (m.done) return;
  if (m.busy) throw std::runtime_error("contract: cyclic allOf");
  m.busy = true;
  for (const Schema* part : m.parts) {
    const Schema& r = resolve(*part);
    for (auto& other : merges_) {
      if (other.node == &r) merge(other);
    }
    if (r.kind == Kind::kMap || r.open) m.node->open = true;
    for (const auto& p : r.properties) {
      auto same = [&](const Property& q) { return q.name == p.name; };
      auto it = std::find_if(m.node->properties.begin(), m.node->properties.end(), same);
      if (it == m.node->properties.end()) {
        m.node->properties.push_back(p);
      } else {
        it->required = it->required || p.required;
      }
    }
  }
  m.busy = false;
  m.done = true;
}

void Compiler::index_properties() {
  for (auto& node : arena_.nodes) {
    if (node.kind != Kind::kObject) continue;
    node.by_name.resize(node.properties.size());
    for (std::uint32_t i = 0; i < node.by_name.size(); ++i) node.by_name[i] = i;
    std::sort(node.by_name.begin(), node.by_name.end(), [&](std::uint32_t a, std::uint32_t b) {
      return node.properties[a].name < node.properties[b].name;
    });
  }
}

void Compiler::tag_unions() {
  for (auto& node : arena_.nodes) {
    if ((node.kind == Kind::kOneOf || node.kind == Kind::kAnyOf) && !node.discriminator) {
      node.tag = make_tag(node);
    }
  }
}

}  // namespace sb::contract
