#include "domain/resources/document_paths.hpp"

namespace sb::resources {
namespace {

namespace json = boost::json;

// One step of a path: a property name, optionally followed by "[]" (each element).
struct Step {
  std::string_view name;
  bool each = false;
};

std::vector<Step> parse(std::string_view path) {
  std::vector<Step> steps;
  while (!path.empty()) {
    const auto dot = path.find('.');
    std::string_view part = path.substr(0, dot);
    Step step;
    if (part.ends_with("[]")) {
      step.each = true;
      part.remove_suffix(2);
    }
    step.name = part;
    steps.push_back(step);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return steps;
}

std::string join(const std::string& prefix, std::string_view part) {
  return prefix.empty() ? std::string(part) : prefix + "." + std::string(part);
}

// Walks `steps` from `node`; `visit(parent, key, concrete)` is called for every final
// (object, key) pair that exists. Parents are mutable so take_at can erase.
template <class Visit>
void walk(json::object& node, const std::vector<Step>& steps, std::size_t i,
          const std::string& prefix, Visit& visit) {
  const Step& step = steps[i];
  auto it = node.find(step.name);
  if (it == node.end()) return;
  const std::string here = join(prefix, step.name);
  const bool last = i + 1 == steps.size();
  if (!step.each) {
    if (last)
      visit(node, step.name, here);
    else if (it->value().is_object())
      walk(it->value().get_object(), steps, i + 1, here, visit);
    return;
  }
  if (!it->value().is_array()) return;
  auto& array = it->value().get_array();
  for (std::size_t k = 0; k < array.size(); ++k) {
    const std::string element = here + "." + std::to_string(k);
    if (last)
      visit(array, k, element);
    else if (array[k].is_object())
      walk(array[k].get_object(), steps, i + 1, element, visit);
  }
}

}  // namespace

void for_each_at(const json::object& document, std::string_view path,
                 const std::function<void(const std::string&, const json::value&)>& fn) {
  auto visit = [&](auto& parent, auto key, const std::string& concrete) {
    if constexpr (std::is_same_v<std::decay_t<decltype(parent)>, json::object>)
      fn(concrete, parent.at(key));
    else
      fn(concrete, parent[key]);
  };
  // walk() takes a mutable object to serve take_at too; nothing is modified here.
  walk(const_cast<json::object&>(document), parse(path), 0, "", visit);
}

json::object take_at(json::object& document, const std::vector<std::string>& paths) {
  json::object taken;
  for (const auto& path : paths) {
    auto visit = [&](auto& parent, auto key, const std::string& concrete) {
      if constexpr (std::is_same_v<std::decay_t<decltype(parent)>, json::object>) {
        auto it = parent.find(key);
        if (!it->value().is_null()) taken[concrete] = std::move(it->value());
        parent.erase(it);
      } else {
        // A secret that is an array element itself is blanked, keeping the indices stable.
        if (!parent[key].is_null()) taken[concrete] = std::move(parent[key]);
        parent[key] = nullptr;
      }
    };
    walk(document, parse(path), 0, "", visit);
  }
  return taken;
}

void apply_patch(json::object& document, json::object& kept_apart, const json::object& patch,
                 const json::object& patch_kept_apart) {
  for (const auto& [key, value] : patch) {
    for (auto it = kept_apart.begin(); it != kept_apart.end();) {
      const std::string_view path = it->key();
      const bool under = path == key || (path.size() > key.size() && path.starts_with(key) &&
                                         path[key.size()] == '.');
      it = under ? kept_apart.erase(it) : std::next(it);
    }
    if (value.is_null())
      document.erase(key);
    else
      document[key] = value;
  }
  for (const auto& [path, value] : patch_kept_apart) kept_apart[path] = value;
}

}  // namespace sb::resources
