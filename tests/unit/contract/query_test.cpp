// Query parameters of the phone-number list operations, as text from the URL.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "contract/contract.hpp"
#include "embedded_contract.hpp"

namespace sb::contract {
namespace {

Msgs list(const QueryParams& query) {
  return contract().validate_query(*contract().operation("GET", "/phone-number"), query);
}

Msgs list_v2(const QueryParams& query) {
  return contract().validate_query(*contract().operation("get", "/v2/phone-number"), query);
}

const std::string kLimitNumber = "limit must be a number conforming to the specified constraints";

TEST(PhoneNumberListQuery, AcceptsNoParameters) {
  EXPECT_EQ(list({}), Msgs{});
}

TEST(PhoneNumberListQuery, BoundsTheLimit) {
  EXPECT_EQ(list({{"limit", "0"}}), Msgs{});
  EXPECT_EQ(list({{"limit", "1000"}}), Msgs{});
  EXPECT_EQ(list({{"limit", "2.5"}}), Msgs{});
  EXPECT_EQ(list({{"limit", "-1"}}), Msgs{"limit must not be less than 0"});
  EXPECT_EQ(list({{"limit", "1001"}}), Msgs{"limit must not be greater than 1000"});
}

TEST(PhoneNumberListQuery, RejectsALimitThatIsNotANumber) {
  EXPECT_EQ(list({{"limit", "abc"}}), Msgs{kLimitNumber});
  EXPECT_EQ(list({{"limit", ""}}), Msgs{kLimitNumber});
  EXPECT_EQ(list({{"limit", "0x10"}}), Msgs{kLimitNumber});
  EXPECT_EQ(list({{"limit", "Infinity"}}), Msgs{kLimitNumber});
  EXPECT_EQ(list({{"limit", "10abc"}}), Msgs{kLimitNumber});
}

TEST(PhoneNumberListQuery, ChecksDates) {
  EXPECT_EQ(list({{"createdAtGt", "2024-01-15T09:30:00Z"}}), Msgs{});
  EXPECT_EQ(list({{"createdAtGt", "2024-01-15T09:30:00.123+02:00"}}), Msgs{});
  EXPECT_EQ(list({{"createdAtGt", "2024-01-15"}}), Msgs{});
  EXPECT_EQ(list({{"createdAtGt", "yesterday"}}),
            Msgs{"createdAtGt must be a valid ISO 8601 date string"});
  EXPECT_EQ(list({{"updatedAtLe", "2024-13-01"}}),
            Msgs{"updatedAtLe must be a valid ISO 8601 date string"});
}

TEST(PhoneNumberListQuery, RejectsUnknownParameters) {
  EXPECT_EQ(list({{"foo", "1"}}), Msgs{"property foo should not exist"});
  EXPECT_EQ(list({{"page", "1"}}), Msgs{"property page should not exist"});  // a v2 parameter
}

TEST(PhoneNumberListQuery, ReportsDeclaredParametersFirst) {
  EXPECT_EQ(list({{"foo", "1"}, {"limit", "x"}, {"foo", "2"}}),
            (Msgs{kLimitNumber, "property foo should not exist"}));
}

TEST(PhoneNumberListQuery, ChecksEveryValueOfARepeatedParameter) {
  EXPECT_EQ(list({{"limit", "5"}, {"limit", "5000"}}), Msgs{"limit must not be greater than 1000"});
  EXPECT_EQ(list({{"limit", "a"}, {"limit", "b"}}), Msgs{kLimitNumber});
}

TEST(PhoneNumberListV2Query, StartsPagesAtOne) {
  EXPECT_EQ(list_v2({{"page", "1"}, {"limit", "10"}}), Msgs{});
  EXPECT_EQ(list_v2({{"page", "0"}}), Msgs{"page must not be less than 1"});
}

TEST(PhoneNumberListV2Query, ChecksTheSortOrder) {
  EXPECT_EQ(list_v2({{"sortOrder", "ASC"}}), Msgs{});
  EXPECT_EQ(list_v2({{"sortOrder", "asc"}}),
            Msgs{"sortOrder must be one of the following values: ASC, DESC"});
  EXPECT_EQ(list_v2({{"sortBy", "createdAt"}}), Msgs{});
}

TEST(PhoneNumberListV2Query, LimitsTheSearchTo100Characters) {
  EXPECT_EQ(list_v2({{"search", std::string(100, 'a')}}), Msgs{});
  EXPECT_EQ(list_v2({{"search", std::string(101, 'a')}}),
            Msgs{"search must be shorter than or equal to 100 characters"});
}

TEST(OperationLookup, FindsOperationsByMethodAndTemplate) {
  const auto* op = contract().operation("PATCH", "/phone-number/{id}");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->method, "patch");
  EXPECT_EQ(op->operation_id, "PhoneNumberController_update");
  ASSERT_EQ(op->parameters.size(), 1u);
  EXPECT_EQ(op->parameters[0].name, "id");
  EXPECT_EQ(op->parameters[0].in, "path");
  EXPECT_TRUE(op->parameters[0].required);
  EXPECT_EQ(op->request_content_type, "application/json");
  EXPECT_EQ(op->success_status, 200);
  EXPECT_NE(op->response, nullptr);
  EXPECT_EQ(contract().operation("put", "/phone-number/{id}"), nullptr);
  EXPECT_EQ(contract().operation("get", "/phone-number/123"), nullptr);
  EXPECT_EQ(contract().operation("get", "/phone-number")->request_body, nullptr);
}

TEST(OperationLookup, ListsEveryOperationOfTheDocument) {
  const auto& ops = contract().operations();
  // One per method of every path of the document /api-json serves, each found by lookup.
  const auto doc = boost::json::parse(contract().openapi_json()).as_object();
  std::size_t declared = 0;
  for (const auto& [path, methods] : doc.at("paths").as_object())
    for (const auto& [method, op] : methods.as_object()) {
      ++declared;
      EXPECT_NE(contract().operation(method, path), nullptr) << method << " " << path;
    }
  EXPECT_EQ(ops.size(), declared);
  const auto* upload = contract().operation("post", "/file");
  ASSERT_NE(upload, nullptr);
  EXPECT_EQ(upload->request_content_type, "multipart/form-data");
}

TEST(OperationLookup, PathParametersAreNotQueryParameters) {
  const auto* op = contract().operation("get", "/phone-number/{id}");
  EXPECT_EQ(contract().validate_query(*op, {}), Msgs{});
  EXPECT_EQ(contract().validate_query(*op, {{"id", "x"}}), Msgs{"property id should not exist"});
}

}  // namespace
}  // namespace sb::contract

namespace sb::contract {
namespace {

TEST(PathParameters, IdsMustBeUuids) {
  const auto loaded = Contract::load_embedded();
  const auto& c = *loaded;
  const Operation& get = *c.operation("get", "/phone-number/{id}");
  EXPECT_EQ(c.validate_path(get, {{"id", "5a8da861-75d4-4494-9b35-6b0d0c3a4f10"}}),
            std::vector<std::string>{});
  EXPECT_EQ(c.validate_path(get, {{"id", "123"}}), std::vector<std::string>{"id must be a UUID"});
}

}  // namespace
}  // namespace sb::contract
