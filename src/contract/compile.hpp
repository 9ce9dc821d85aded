#pragma once
// Compiles the compact contract's schemas into the node graph of schema.hpp.
//
// Schemas are recursive, so compiling is done in three phases: declare() creates one empty
// node per components/schemas name (so every $ref resolves to a stable pointer), define()
// fills them, and link() does what needs finished nodes: merging multi-element allOf,
// property indexes, and the union tags. Anonymous schemas (parameters, bodies) go through
// compile() between define() and link().

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "contract/schema.hpp"

namespace sb::contract {

class Compiler {
 public:
  /// `schemas` is components/schemas of the parsed contract; it is normalized in place.
  Compiler(Arena& arena, boost::json::object& schemas);

  void declare();
  void define();
  /// An anonymous schema; $ref and single-$ref allOf return the named node itself.
  const Schema* compile(boost::json::value& schema);
  /// Throws std::runtime_error on a cyclic alias chain.
  void link();

  /// Patterns that std::regex cannot compile (e.g. \p{L} with the `u` flag): no constraint.
  const std::vector<std::string>& unsupported_patterns() const { return unsupported_; }

 private:
  struct Merge {
    Schema* node;
    std::vector<const Schema*> parts;
    bool done = false;
    bool busy = false;
  };

  const Schema* compile_object(boost::json::object& s);
  void fill(Schema& node, boost::json::object& s);
  void fill_union(Schema& node, boost::json::object& s);
  void fill_typed(Schema& node, boost::json::object& s);
  void fill_object(Schema& node, boost::json::object& s);
  void fill_discriminator(Schema& node, const boost::json::object& d);
  const Schema* ref(std::string_view ref) const;
  const EnumValues* enumeration(const boost::json::value& values);
  const Pattern* pattern(std::string_view text);
  const Schema* any();

  void merge(Merge& m);
  void index_properties();
  void check_aliases() const;
  void tag_unions();

  Arena& arena_;
  boost::json::object& schemas_;
  std::unordered_map<std::string, const Schema*> leaves_;  // serialized leaf → node
  std::vector<Merge> merges_;
  std::vector<std::string> unsupported_;
  const Schema* any_ = nullptr;
};

}  // namespace sb::contract
