#include "http/router.hpp"

#include <map>
#include <stdexcept>

namespace sb::http {

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literal;
  std::unique_ptr<Node> param;  // at most one parameter child per level
  std::string param_name;
  std::vector<std::pair<Method, const Route*>> handlers;
};

namespace {

// Calls `fn(segment)` for each non-empty segment of `path`.
template <class Fn>
void for_each_segment(std::string_view path, Fn&& fn) {
  std::size_t pos = 0;
  while (pos < path.size()) {
    std::size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    if (next > pos) fn(path.substr(pos, next - pos));
    pos = next + 1;
  }
}

}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::add(Route route) {
  Node* node = root_.get();
  for_each_segment(route.path, [&](std::string_view seg) {
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
      const std::string name(seg.substr(1, seg.size() - 2));
      if (!node->param) {
        node->param = std::make_unique<Node>();
        node->param_name = name;
      } else if (node->param_name != name) {
        throw std::logic_error("conflicting parameter names at " + route.path);
      }
      node = node->param.get();
    } else {
      auto it = node->literal.find(seg);
      if (it == node->literal.end())
        it = node->literal.emplace(std::string(seg), std::make_unique<Node>()).first;
      node = it->second.get();
    }
  });
  for (const auto& [m, r] : node->handlers)
    if (m == route.method) throw std::logic_error("duplicate route " + route.path);
  routes_.push_back(std::make_unique<Route>(std::move(route)));
  node->handlers.emplace_back(routes_.back()->method, routes_.back().get());
}

Router::Match Router::match(Method method, std::string_view path) const {
  Match match;
  const Node* node = root_.get();
  bool ok = true;
  // Literal segments win over parameters at the same level ("/v2/..." vs "/{id}").
  for_each_segment(path, [&](std::string_view seg) {
    if (!ok) return;
    if (auto it = node->literal.find(seg); it != node->literal.end()) {
      node = it->second.get();
    } else if (node->param) {
      match.params.emplace_back(node->param_name, std::string(seg));
      node = node->param.get();
    } else {
      ok = false;
    }
  });
  if (!ok) return {};
  for (const auto& [m, r] : node->handlers) {
    if (m == method) {
      match.route = r;
      return match;
    }
  }
  return {};
}

std::vector<const Route*> Router::routes() const {
  std::vector<const Route*> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.push_back(r.get());
  return out;
}

}  // namespace sb::http
