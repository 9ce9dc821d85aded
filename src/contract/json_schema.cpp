#include "contract/json_schema.hpp"

#include <exception>

#include <boost/json/serialize.hpp>

#include "contract/contract.hpp"

namespace sb::contract {
namespace json = boost::json;

namespace {

// JSON Schema lets objects carry undeclared properties unless told otherwise; the contract's
// objects are closed (NestJS's forbidNonWhitelisted) unless `additionalProperties` opens them.
void open_objects(json::value& v, int depth = 0) {
  if (depth > 64) return;
  if (auto* a = v.if_array()) {
    for (auto& e : *a) open_objects(e, depth + 1);
    return;
  }
  auto* o = v.if_object();
  if (!o) return;
  if (o->contains("properties") && !o->contains("additionalProperties"))
    (*o)["additionalProperties"] = true;
  for (auto& [key, child] : *o)
    if (key != "enum" && key != "const" && key != "default" && key != "examples")
      open_objects(child, depth + 1);
}

}  // namespace

std::vector<std::string> validate_json_schema(const json::value& schema, const json::value& value) {
  json::value opened = schema.is_object() ? schema : json::value(json::object{});
  open_objects(opened);
  const json::object document{{"schemas", json::object{{"Output", opened}}},
                              {"paths", json::object{}}};
  try {
    const auto contract = Contract::load(json::serialize(document));
    const auto* compiled = contract->schema("Output");
    if (!compiled) return {"the schema could not be compiled"};
    return contract->validate(*compiled, value);
  } catch (const std::exception& e) {
    return {std::string("the schema could not be compiled: ") + e.what()};
  }
}

}  // namespace sb::contract
