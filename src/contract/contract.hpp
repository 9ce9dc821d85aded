#pragma once
// The API contract: the compact schema set generated from Vapi's OpenAPI document
// (tools/gen_contract.py → contract/vapi-contract.json), compiled once at start-up into
// validators. Every request body and query the server accepts goes through here; messages
// follow NestJS/class-validator wording so clients see what Vapi's API would answer.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/fwd.hpp>

namespace sb::contract {

class Schema;  // a compiled schema node; owned by the Contract

/// One query or path parameter of an operation.
struct Parameter {
  std::string name;
  std::string in;  // "query" or "path"
  bool required = false;
  const Schema* schema = nullptr;
};

/// One method of one path of the document.
struct Operation {
  std::string method;         // lower case: get, post, patch, delete, put
  std::string path_template;  // e.g. /phone-number/{id}
  std::string operation_id;
  std::vector<Parameter> parameters;
  const Schema* request_body = nullptr;  // nullptr when the operation takes no JSON body
  std::string request_content_type;      // e.g. application/json, multipart/form-data
  const Schema* response = nullptr;      // schema of the success response, if declared
  int success_status = 200;
};

struct ValidateOptions {
  /// When the validated schema is a oneOf with a discriminator and the value lacks the
  /// discriminator property, pick the branch mapped from this value (PATCH bodies: the stored
  /// object's `provider` or `type` decides). Empty: the discriminator is required.
  std::string_view discriminator_default;
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

/// The JSON type a schema describes, once references are followed.
enum class ValueKind { kAny, kString, kNumber, kBoolean, kArray, kObject, kUnion };

/// Thread safety: a loaded Contract is immutable; validate*() may run on any thread.
class Contract {
 public:
  /// Compiles the compact contract text. Throws std::runtime_error if it is malformed or a
  /// $ref does not resolve.
  static std::shared_ptr<const Contract> load(std::string_view compact_json);
  /// The contract embedded in the binary at build time.
  static std::shared_ptr<const Contract> load_embedded();

  ~Contract();
  Contract(const Contract&) = delete;
  Contract& operator=(const Contract&) = delete;

  /// components/schemas entry by name; nullptr when unknown.
  const Schema* schema(std::string_view name) const;
  /// The operation for `method` (any case) on `path_template`; nullptr when absent.
  const Operation* operation(std::string_view method, std::string_view path_template) const;
  const std::vector<Operation>& operations() const;

  /// Validates a JSON request body against `schema`. Returns class-validator-style messages,
  /// empty when valid. Unknown properties are errors (`property foo should not exist`).
  std::vector<std::string> validate(const Schema& schema, const boost::json::value& body,
                                    const ValidateOptions& options = {}) const;

  /// Validates raw (already percent-decoded) query parameters against the operation's `in:
  /// query` parameters: types (numbers parsed from text), bounds, enums, formats, required,
  /// and unknown names (`property foo should not exist`). Empty when valid.
  std::vector<std::string> validate_query(const Operation& operation,
                                          const QueryParams& query) const;

  /// Validates path parameters (decoded segments, by name) against the operation's `in: path`
  /// parameters, with the same text rules as the query: "id must be a UUID". Empty when valid.
  std::vector<std::string> validate_path(const Operation& operation,
                                         const QueryParams& path_params) const;

  /// What kind of value `schema` describes (integers count as numbers; oneOf/anyOf as unions).
  static ValueKind kind_of(const Schema& schema);

  /// The contract as an OpenAPI 3 document (structure only), for GET /api-json.
  std::string openapi_json() const;

 private:
  struct Impl;
  explicit Contract(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::contract
