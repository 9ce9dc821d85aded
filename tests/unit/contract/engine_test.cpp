// The engine on small hand-written contracts: loading, the general rules, and the message
// forms, independent of what Vapi's document happens to contain.

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "contract/contract.hpp"

namespace sb::contract {
namespace {

using Msgs = std::vector<std::string>;

constexpr std::string_view kContract = R"({
 "openapi": "3.0.0", "info": {"title": "Test", "version": "1"},
 "paths": {
  "/pets": {
   "post": {"operationId": "create", "parameters": [],
            "requestBody": {"required": true, "content": {"application/json": {
              "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
              "discriminator": {"propertyName": "kind",
                                "mapping": {"cat": "#/components/schemas/Cat"}}}}},
            "response": {"status": 201, "contentType": "application/json",
                         "schema": {"$ref": "#/components/schemas/Cat"}}},
   "get": {"operationId": "list", "parameters": [
             {"name": "tags", "in": "query", "required": false,
              "schema": {"type": "array", "format": "uuid", "items": {"type": "string"}}},
             {"name": "tiny", "in": "query", "required": true,
              "schema": {"type": "boolean"}},
             {"name": "n", "in": "query", "required": false,
              "schema": {"type": "integer", "minimum": 0.5}}],
           "response": {"status": 200}, "x-switchboard": true}
  }
 },
 "schemas": {
  "Cat": {"type": "object", "required": ["kind", "name"], "properties": {
    "kind": {"type": "string", "enum": ["cat"]},
    "name": {"type": "string", "minLength": 2, "maxLength": 5},
    "lives": {"type": "integer", "minimum": 0, "maximum": 9},
    "weight": {"type": "number", "minimum": 0.5, "maximum": 1000},
    "owner": {"$ref": "#/components/schemas/Owner"},
    "vet": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/Owner"}]},
    "toys": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "string"}},
    "moods": {"type": "array", "enum": ["happy", "grumpy"]},
    "color": {"type": "object", "enum": ["black", "white"]},
    "tag": {"type": "string", "enum": []},
    "sound": {"const": "meow"},
    "id": {"type": "string", "format": "uuid"},
    "born": {"type": "string", "format": "date-time"},
    "site": {"type": "string", "format": "uri"},
    "code": {"type": "string", "pattern": "/^[A-Z]{2}$/"},
    "plain": {"type": "string", "pattern": "^x"},
    "letters": {"type": "string", "pattern": "/^\\p{L}+$/u"},
    "meta": {"type": "object"},
    "extra": {"type": "object", "additionalProperties": true, "properties": {"a": {"type": "string"}}},
    "friends": {"type": "array", "items": {"$ref": "#/components/schemas/Cat"}},
    "note": {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/Note"}]},
    "either": {"anyOf": [{"type": "number"}, {"type": "boolean"}]},
    "list": {"type": "object", "items": {"type": "string"}}
  }},
  "Dog": {"type": "object", "required": ["kind", "owner"], "properties": {
    "kind": {"type": "string", "enum": ["dog"]},
    "owner": {"$ref": "#/components/schemas/Owner"}
  }},
  "Owner": {"type": "object", "required": ["name"], "properties": {
    "name": {"type": "string"}, "phone": {"type": "string", "nullable": true}}},
  "Note": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
  "Tree": {"type": "object", "properties": {
    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}}}},
  "Named": {"type": "object", "properties": {"name": {"type": "string"}}},
  "Aged": {"type": "object", "required": ["age"], "properties": {"age": {"type": "number"}}},
  "Person": {"allOf": [{"$ref": "#/components/schemas/Named"}, {"$ref": "#/components/schemas/Aged"}],
             "properties": {"email": {"type": "string"}}},
  "CatAlias": {"$ref": "#/components/schemas/Cat"}
 }
})";

class Engine : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { contract_ = Contract::load(kContract); }
  static void TearDownTestSuite() { contract_.reset(); }

  static Msgs check(std::string_view schema, std::string_view json,
                    std::string_view discriminator_default = {}) {
    return contract_->validate(*contract_->schema(schema), boost::json::parse(json),
                               {discriminator_default});
  }
  static Msgs cat(std::string_view fields) {
    return check("Cat", R"({"kind":"cat","name":"Tom")" + std::string(fields) + "}");
  }

  static std::shared_ptr<const Contract> contract_;
};

std::shared_ptr<const Contract> Engine::contract_;

TEST_F(Engine, ReportsTypesWithClassValidatorWording) {
  EXPECT_EQ(cat(""), Msgs{});
  EXPECT_EQ(cat(R"(,"lives":1.5)"), Msgs{"lives must be an integer number"});
  EXPECT_EQ(cat(R"(,"lives":2.0)"), Msgs{});
  EXPECT_EQ(cat(R"(,"lives":"2")"), Msgs{"lives must be an integer number"});
  EXPECT_EQ(cat(R"(,"weight":true)"),
            Msgs{"weight must be a number conforming to the specified constraints"});
  EXPECT_EQ(cat(R"(,"toys":"ball")"), Msgs{"toys must be an array"});
  EXPECT_EQ(cat(R"(,"meta":[])"), Msgs{"meta must be an object"});
  EXPECT_EQ(cat(R"(,"owner":"Ann")"), Msgs{"nested property owner must be either object or array"});
}

TEST_F(Engine, PrintsBoundsAsJavaScriptDoes) {
  EXPECT_EQ(cat(R"(,"weight":0.25)"), Msgs{"weight must not be less than 0.5"});
  EXPECT_EQ(cat(R"(,"weight":1000.5)"), Msgs{"weight must not be greater than 1000"});
  EXPECT_EQ(cat(R"(,"lives":-1)"), Msgs{"lives must not be less than 0"});
  EXPECT_EQ(check("Cat", R"({"kind":"cat","name":"T"})"),
            Msgs{"name must be longer than or equal to 2 characters"});
  EXPECT_EQ(cat(R"(,"toys":[])"), Msgs{"toys must contain at least 1 elements"});
  EXPECT_EQ(cat(R"(,"toys":["a","b","c"])"), Msgs{"toys must contain no more than 2 elements"});
}

TEST_F(Engine, ChecksFormatsAndPatterns) {
  EXPECT_EQ(cat(R"(,"id":"0b9e6c57-3a1f-4f0e-9c41-8d2f3b7a6e10","born":"2024-01-15T09:30:00Z",
                 "site":"wss://example.com/ws","code":"AB","plain":"xyz")"),
            Msgs{});
  EXPECT_EQ(cat(R"(,"id":"0b9e6c57","born":"15/01/2024","site":"example.com","code":"abc",
                 "plain":"yx")"),
            (Msgs{"id must be a UUID", "born must be a valid ISO 8601 date string",
                  "site must be a URL address", "code must match /^[A-Z]{2}$/ regular expression",
                  "plain must match /^x/ regular expression"}));
}

TEST_F(Engine, IgnoresPatternsStdRegexCannotRun) {
  EXPECT_EQ(cat(R"(,"letters":"123")"), Msgs{});  // \p{L}: not enforced
}

TEST_F(Engine, NullIsAbsentUnlessRequiredOrNullable) {
  EXPECT_EQ(cat(R"(,"lives":null,"owner":null)"), Msgs{});
  EXPECT_EQ(check("Cat", R"({"kind":"cat","name":null})"), Msgs{"name must be a string"});
  EXPECT_EQ(check("Owner", R"({"name":"Ann","phone":null})"), Msgs{});
  EXPECT_EQ(cat(R"(,"vet":null)"), Msgs{});
  EXPECT_EQ(check("Dog", R"({"kind":"dog"})"), Msgs{"owner should not be null or undefined"});
  EXPECT_EQ(check("Dog", R"({"kind":"dog","owner":null})"),
            Msgs{"owner should not be null or undefined"});
}

TEST_F(Engine, PrefixesNestedMessagesWithThePath) {
  EXPECT_EQ(cat(R"(,"owner":{"name":1,"x":2})"),
            (Msgs{"owner.name must be a string", "owner.property x should not exist"}));
  EXPECT_EQ(cat(R"(,"friends":[{"kind":"cat","name":"Al"},{"kind":"cat","owner":{"y":1}}])"),
            (Msgs{"friends.1.name must be a string", "friends.1.owner.name must be a string",
                  "friends.1.owner.property y should not exist"}));
  EXPECT_EQ(cat(R"(,"friends":[5])"),
            Msgs{"friends.nested property friends must be either object or array"});
  EXPECT_EQ(cat(R"(,"toys":[1,"a"])"), Msgs{"each value in toys must be a string"});
}

TEST_F(Engine, AllowsExtraPropertiesOnlyWhereDeclared) {
  EXPECT_EQ(cat(R"(,"extra":{"a":"x","anything":1},"meta":{"k":{"deep":[1]}})"), Msgs{});
  EXPECT_EQ(check("Cat", R"({"kind":"cat","name":"Tom","z":1,"y":2})"),
            (Msgs{"property z should not exist", "property y should not exist"}));
}

TEST_F(Engine, AOneOfNeedsOneBranchAndReportsTheClosest) {
  EXPECT_EQ(cat(R"(,"note":"hello")"), Msgs{});
  EXPECT_EQ(cat(R"(,"note":{"text":"hello"})"), Msgs{});
  EXPECT_EQ(cat(R"(,"note":5)"), Msgs{"note must be a string"});
  EXPECT_EQ(cat(R"(,"note":{"text":5})"), Msgs{"note.text must be a string"});
  EXPECT_EQ(cat(R"(,"either":true)"), Msgs{});
  EXPECT_EQ(cat(R"(,"either":"x")"),
            Msgs{"either must be a number conforming to the specified constraints"});
}

TEST_F(Engine, DispatchesOnTheDiscriminator) {
  const auto* op = contract_->operation("POST", "/pets");
  auto post = [&](std::string_view json, std::string_view dflt = {}) {
    return contract_->validate(*op->request_body, boost::json::parse(json), {dflt});
  };
  EXPECT_EQ(post(R"({"kind":"cat","name":"Tom"})"), Msgs{});
  // "dog" is not in the mapping: derived from Dog's own enum on `kind`.
  EXPECT_EQ(post(R"({"kind":"dog","owner":{"name":"Ann"}})"), Msgs{});
  EXPECT_EQ(post(R"({"kind":"dog","name":"Rex","owner":{"name":"Ann"}})"),
            Msgs{"property name should not exist"});
  EXPECT_EQ(post(R"({"kind":"cow"})"), Msgs{"kind must be one of the following values: cat, dog"});
  EXPECT_EQ(post(R"({"name":"Tom"})"), Msgs{"kind must be one of the following values: cat, dog"});
  EXPECT_EQ(post(R"({"name":"Tom"})", "cat"), Msgs{});
  EXPECT_EQ(post(R"({"name":"Tom"})", "dog"),
            (Msgs{"owner should not be null or undefined", "property name should not exist"}));
  EXPECT_EQ(post("42"), Msgs{"body must be an object"});
}

TEST_F(Engine, MergesAllOf) {
  EXPECT_EQ(check("Person", R"({"name":"Ann","age":3,"email":"a@b"})"), Msgs{});
  EXPECT_EQ(check("Person", R"({"name":"Ann","x":1})"),
            (Msgs{"age must be a number conforming to the specified constraints",
                  "property x should not exist"}));
}

TEST_F(Engine, FollowsNamedAliases) {
  EXPECT_EQ(check("CatAlias", R"({"kind":"cat","name":"Tom"})"), Msgs{});
  EXPECT_EQ(check("CatAlias", R"({"kind":"cat"})"), Msgs{"name must be a string"});
}

TEST_F(Engine, AppliesTheGeneralRules) {
  EXPECT_EQ(cat(R"(,"moods":["happy"],"color":"black","tag":"any","sound":"meow")"), Msgs{});
  EXPECT_EQ(cat(R"(,"moods":["sad"])"),
            Msgs{"each value in moods must be one of the following values: happy, grumpy"});
  EXPECT_EQ(cat(R"(,"color":"red")"),
            Msgs{"color must be one of the following values: black, white"});
  EXPECT_EQ(cat(R"(,"sound":"woof")"), Msgs{"sound must be one of the following values: meow"});
  EXPECT_EQ(cat(R"(,"list":["a"])"), Msgs{});
  EXPECT_EQ(cat(R"(,"list":{"a":1})"), Msgs{});
}

TEST_F(Engine, HandlesRecursiveSchemas) {
  EXPECT_EQ(check("Tree", R"({"children":[{"children":[{"children":[]}]}]})"), Msgs{});
  EXPECT_EQ(check("Tree", R"({"children":[{"children":[{"leaf":1}]}]})"),
            Msgs{"children.0.children.0.property leaf should not exist"});
}

TEST_F(Engine, StopsAtDeepNesting) {
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += R"({"children":[)";
  deep += "{}";
  for (int i = 0; i < 200; ++i) deep += "]}";
  boost::json::parse_options options;
  options.max_depth = 1000;
  auto body = boost::json::parse(deep, {}, options);
  EXPECT_EQ(contract_->validate(*contract_->schema("Tree"), body),
            Msgs{"body is nested too deeply"});
}

TEST_F(Engine, CapsTheNumberOfMessages) {
  std::string many = R"({"kind":"cat","name":"Tom")";
  for (int i = 0; i < 500; ++i) many += ",\"x" + std::to_string(i) + "\":1";
  many += "}";
  auto messages = check("Cat", many);
  EXPECT_EQ(messages.size(), 100u);
  EXPECT_EQ(messages.front(), "property x0 should not exist");
}

TEST_F(Engine, ValidatesQueryText) {
  const auto* op = contract_->operation("get", "/pets");
  auto query = [&](const QueryParams& q) { return contract_->validate_query(*op, q); };
  EXPECT_EQ(query({{"tiny", "true"}}), Msgs{});
  EXPECT_EQ(query({}), Msgs{"tiny must be a boolean value"});
  EXPECT_EQ(query({{"tiny", "yes"}}), Msgs{"tiny must be a boolean value"});
  EXPECT_EQ(query({{"tiny", "false"}, {"n", "2"}}), Msgs{});
  EXPECT_EQ(query({{"tiny", "false"}, {"n", "2.5"}}), Msgs{"n must be an integer number"});
  EXPECT_EQ(query({{"tiny", "false"}, {"n", "0"}}), Msgs{"n must not be less than 0.5"});
  EXPECT_EQ(query({{"tiny", "false"},
                   {"tags", "0b9e6c57-3a1f-4f0e-9c41-8d2f3b7a6e10"},
                   {"tags", "nope"},
                   {"tags", "nah"}}),
            Msgs{"each value in tags must be a UUID"});
}

TEST_F(Engine, RebuildsAnOpenApiDocument) {
  auto doc = boost::json::parse(contract_->openapi_json()).as_object();
  EXPECT_EQ(doc.at("openapi"), "3.0.0");
  EXPECT_EQ(doc.at("info").at("title"), "Test");
  const auto& post = doc.at("paths").at("/pets").at("post").as_object();
  EXPECT_EQ(post.at("operationId"), "create");
  EXPECT_EQ(post.at("requestBody").at("required"), true);
  EXPECT_TRUE(post.at("requestBody").at("content").at("application/json").at("schema").is_object());
  EXPECT_EQ(post.at("responses").at("201").at("content").at("application/json").at("schema"),
            boost::json::parse(R"({"$ref":"#/components/schemas/Cat"})"));
  EXPECT_FALSE(doc.at("paths")
                   .at("/pets")
                   .at("get")
                   .at("responses")
                   .at("200")
                   .as_object()
                   .contains("content"));
  EXPECT_TRUE(doc.at("components").at("schemas").as_object().contains("Tree"));
  EXPECT_EQ(doc.at("paths").at("/pets").at("get").at("x-switchboard"), true);
  EXPECT_FALSE(post.contains("x-switchboard"));
}

TEST(EngineLoad, RejectsBrokenContracts) {
  EXPECT_THROW(Contract::load("{"), std::runtime_error);
  EXPECT_THROW(Contract::load(R"({"paths":{}})"), std::runtime_error);
  EXPECT_THROW(Contract::load(R"({"paths":{},"schemas":{"A":{"$ref":"#/components/schemas/B"}}})"),
               std::runtime_error);
  EXPECT_THROW(Contract::load(R"({"paths":{},"schemas":{
                 "A":{"$ref":"#/components/schemas/B"},"B":{"$ref":"#/components/schemas/A"}}})"),
               std::runtime_error);
}

TEST(EngineLoad, TheEmbeddedContractIsTheWholeDocument) {
  auto contract = Contract::load_embedded();
  EXPECT_NE(contract->schema("CreateAssistantDTO"), nullptr);
  EXPECT_EQ(contract->schema("NoSuchSchema"), nullptr);
  auto doc = boost::json::parse(contract->openapi_json()).as_object();
  // Vapi's 69 paths, and the paths Vapi serves but its document does not list, every operation
  // of which is marked as Switchboard's own.
  std::set<std::string> own, vapis;
  for (const auto& [path, methods] : doc.at("paths").as_object())
    for (const auto& [method, op] : methods.as_object())
      (op.as_object().contains("x-switchboard") ? own : vapis).insert(std::string(path));
  EXPECT_EQ(own, (std::set<std::string>{"/credential", "/credential/{id}", "/org", "/org/{id}"}));
  EXPECT_EQ(vapis.size(), 69u);
  for (const auto& path : own) EXPECT_EQ(vapis.count(path), 0u) << path << " is half Vapi's";
  EXPECT_GT(doc.at("components").at("schemas").as_object().size(), 900u);
}

TEST(EngineLoad, EveryOperationAnswersOddInput) {
  auto contract = Contract::load_embedded();
  const auto odd = {boost::json::parse("{}"), boost::json::parse(R"({"zz":1})"),
                    boost::json::parse("[]"), boost::json::parse(R"("text")"),
                    boost::json::parse("null")};
  for (const auto& op : contract->operations()) {
    SCOPED_TRACE(op.method + " " + op.path_template);
    auto unknown = contract->validate_query(op, {{"zz", "1"}});
    EXPECT_NE(std::find(unknown.begin(), unknown.end(), "property zz should not exist"),
              unknown.end());
    if (!op.request_body) continue;
    for (const auto& body : odd) (void)contract->validate(*op.request_body, body);
    EXPECT_FALSE(contract->validate(*op.request_body, boost::json::parse(R"({"zz":1})")).empty());
  }
}

}  // namespace
}  // namespace sb::contract
