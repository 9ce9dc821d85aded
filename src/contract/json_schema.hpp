#pragma once
// A user's JSON Schema (a structured output's `schema`, an analysis plan's) checked with the
// contract's engine: the same compiler and validator the API's bodies go through, so a model's
// answer is judged by the rules (types, required, enums, bounds, patterns, formats, oneOf/anyOf)
// the rest of the server uses. Unlike a request body, an object may carry properties its schema
// does not declare (JSON Schema's default) unless the schema says `additionalProperties: false`.

#include <string>
#include <vector>

#include <boost/json/value.hpp>

namespace sb::contract {

/// Messages for what `value` breaks of `schema` (class-validator wording, e.g. "name must be a
/// string"); empty when it is valid. A schema the engine cannot compile yields one message
/// saying so (it is never thrown).
std::vector<std::string> validate_json_schema(const boost::json::value& schema,
                                              const boost::json::value& value);

}  // namespace sb::contract
