#include "contract/contract.hpp"

#include <stdexcept>
#include <system_error>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include "contract/compile.hpp"
#include "contract/contract_impl.hpp"
#include "contract/quirks.hpp"
#include "contract/validator.hpp"
#include "core/json_fields.hpp"

extern "C" const char sb_contract_json[];
extern "C" const char sb_contract_json_end[];

namespace sb::contract {
namespace json = boost::json;
namespace {

json::object& required_object(json::object& o, std::string_view key) {
  auto* v = object_at(o, key);
  if (!v) throw std::runtime_error("contract: missing object " + std::string(key));
  return *v;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] + 32) : a[i];
    if (c != b[i]) return false;
  }
  return true;
}

void read_body(Operation& op, json::object& body, Compiler& c) {
  auto* content = body.if_contains("content");
  if (!content || !content->is_object() || content->get_object().empty()) return;
  auto& types = content->get_object();
  auto it = types.find("application/json");
  if (it == types.end()) it = types.begin();
  op.request_content_type = std::string(it->key());
  op.request_body = c.compile(it->value());
}

Operation read_operation(std::string_view path, std::string_view method, json::object& o,
                         Compiler& c) {
  Operation op;
  op.method = lower(method);
  op.path_template = std::string(path);
  op.operation_id = std::string(string_at(o, "operationId"));
  if (auto* params = o.if_contains("parameters"); params && params->is_array()) {
    for (auto& p : params->get_array()) {
      auto& po = p.as_object();
      const auto* req = po.if_contains("required");
      json::value empty = json::object();
      auto* schema = po.if_contains("schema");
      op.parameters.push_back(
          Parameter{std::string(string_at(po, "name")), std::string(string_at(po, "in")),
                    req && req->is_bool() && req->get_bool(), c.compile(schema ? *schema : empty)});
    }
  }
  if (auto* body = o.if_contains("requestBody"); body && body->is_object()) {
    read_body(op, body->get_object(), c);
  }
  if (auto* r = o.if_contains("response"); r && r->is_object()) {
    auto& ro = r->get_object();
    if (auto* st = ro.if_contains("status"); st && st->is_number()) {
      op.success_status = static_cast<int>(st->to_number<double>());
    }
    if (auto* schema = ro.if_contains("schema")) op.response = c.compile(*schema);
  }
  return op;
}

}  // namespace

std::shared_ptr<const Contract> Contract::load(std::string_view compact_json) {
  auto impl = std::make_unique<Impl>();
  impl->owned = std::string(compact_json);
  impl->source = impl->owned;
  json::monotonic_resource arena;  // the document is dropped once compiled
  json::parse_options options;
  options.max_depth = 1024;
  std::error_code ec;
  json::value doc = json::parse(impl->source, ec, &arena, options);
  if (ec || !doc.is_object()) {
    throw std::runtime_error("contract: malformed JSON: " + (ec ? ec.message() : "not an object"));
  }
  impl->build(doc.get_object());
  return std::shared_ptr<const Contract>(new Contract(std::move(impl)));
}

std::shared_ptr<const Contract> Contract::load_embedded() {
  std::string_view text(sb_contract_json,
                        static_cast<std::size_t>(sb_contract_json_end - sb_contract_json));
  return load(text);
}

void Contract::Impl::build(json::object& root) {
  apply_overrides(root);
  Compiler compiler(arena, required_object(root, "schemas"));
  compiler.declare();
  compiler.define();
  for (auto& [path, item] : required_object(root, "paths")) {
    if (!item.is_object()) continue;
    for (auto& [method, op] : item.get_object()) {
      if (!op.is_object()) continue;
      by_path[std::string(path)].push_back(operations.size());
      operations.push_back(read_operation(path, method, op.get_object(), compiler));
    }
  }
  compiler.link();
  unsupported_patterns = compiler.unsupported_patterns();
}

Contract::Contract(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Contract::~Contract() = default;

const Schema* Contract::schema(std::string_view name) const {
  auto it = impl_->arena.named.find(name);
  return it == impl_->arena.named.end() ? nullptr : it->second;
}

const Operation* Contract::operation(std::string_view method,
                                     std::string_view path_template) const {
  auto it = impl_->by_path.find(path_template);
  if (it == impl_->by_path.end()) return nullptr;
  for (std::size_t i : it->second) {
    if (iequals(method, impl_->operations[i].method)) return &impl_->operations[i];
  }
  return nullptr;
}

ValueKind Contract::kind_of(const Schema& schema) {
  switch (resolve(schema).kind) {
    case Kind::kString:
      return ValueKind::kString;
    case Kind::kNumber:
    case Kind::kInteger:
      return ValueKind::kNumber;
    case Kind::kBoolean:
      return ValueKind::kBoolean;
    case Kind::kArray:
      return ValueKind::kArray;
    case Kind::kObject:
    case Kind::kMap:
      return ValueKind::kObject;
    case Kind::kOneOf:
    case Kind::kAnyOf:
      return ValueKind::kUnion;
    default:
      return ValueKind::kAny;
  }
}

const std::vector<Operation>& Contract::operations() const {
  return impl_->operations;
}

std::vector<std::string> Contract::validate(const Schema& schema, const json::value& body,
                                            const ValidateOptions& options) const {
  std::vector<std::string> out;
  Walk walk;
  walk.out = &out;
  Validator(Mode::kCollect, walk, 0).root(schema, body, options.discriminator_default);
  if (walk.aborted) return {render({}, Message{*walk.aborted, {}})};
  return out;
}

}  // namespace sb::contract
