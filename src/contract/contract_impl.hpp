#pragma once
// The state behind a Contract (private to src/contract/).

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "contract/contract.hpp"
#include "contract/schema.hpp"

namespace sb::contract {

struct Contract::Impl {
  Arena arena;
  std::vector<Operation> operations;
  std::map<std::string, std::vector<std::size_t>, std::less<>> by_path;  // → operations
  std::string owned;        // the compact text, when it is not the embedded blob
  std::string_view source;  // the compact text, re-read by openapi_json()
  std::vector<std::string> unsupported_patterns;

  /// Compiles the parsed compact contract (modified in place by the quirk overrides).
  void build(boost::json::object& root);
};

}  // namespace sb::contract
