// The generic controller's extensions, through the dispatcher with the real contract and a
// real store: further item paths and POST on further list paths, per-path views, item paths
// scoped by their other parameters, bodies without a declared schema, shape_body, and
// resources whose creation belongs elsewhere.

#include "api/resources/resource_controller.hpp"
#include "core/manual_clock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <boost/json/serialize.hpp>

#include "contract/contract.hpp"
#include "core/api_error.hpp"
#include "core/crypto.hpp"
#include "dispatch_support.hpp"
#include "domain/campaigns/campaign_spec.hpp"
#include "domain/chats/chat_spec.hpp"
#include "domain/provider_resources/provider_resource_spec.hpp"
#include "domain/resources/resource_service.hpp"
#include "http/dispatcher.hpp"
#include "storage/org_repository.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "temp_database.hpp"

namespace sb::api {
namespace {

namespace json = boost::json;

class ResourceControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<storage::sqlite::SqliteStore>(
        storage::sqlite::SqliteOptions{db_.path(), 2});
    store_->write_sync([](storage::Session& s) {
      s.orgs().insert_org("a", "a", 1);
      s.orgs().insert_org("b", "b", 1);
    });
    ResourceRoutes campaigns{
        "/campaign", "/campaign/{id}", {"/v2/campaign"}, {{"includeCounters", ""}}};
    campaigns.items = {"/v2/campaign/{id}"};
    const View summary = [](json::object& doc, const http::Request& request) {
      campaigns::summarize(doc, request.query_value("includeCounters") == "true");
    };
    campaigns.views = {{"/v2/campaign", summary}, {"/v2/campaign/{id}", summary}};
    add(campaign_spec_, std::move(campaigns));
    add(provider_spec_, {"/provider/{provider}/{resourceName}",
                         "/provider/{provider}/{resourceName}/{id}",
                         {},
                         {}});
    ResourceRoutes chats{"/chat", "/chat/{id}", {}, {}};
    chats.creates = false;
    add(chat_spec_, std::move(chats));
    dispatcher_ = std::make_unique<http::Dispatcher>(std::move(router_), auth_, contract_);
  }
  void TearDown() override { store_->stop(); }

  void add(const resources::ResourceSpec& spec, ResourceRoutes routes) {
    controllers_.push_back(std::make_unique<ResourceController>(*store_, service_, contract_, spec,
                                                                std::move(routes)));
    EXPECT_GT(controllers_.back()->register_routes(router_), 0);
  }

  struct Answer {
    int status = 0;
    json::value body;
  };

  Answer send(http::Method method, std::string target, std::string body = {},
              std::string org = "a") {
    http::Request r = test::request_for(method, std::move(target));
    r.body = std::move(body);
    r.content_type = "application/json";
    r.authorization = "Bearer key-" + org;
    const auto response = test::dispatch_and_wait(*dispatcher_, std::move(r));
    return {response.status, test::json_body(response)};
  }

  test::TempDatabase db_{"sb-controller"};
  std::unique_ptr<storage::sqlite::SqliteStore> store_;
  const SecretBox secrets_{SecretBox::generate_key_hex()};
  ManualClock clock_{1'700'000'000'000};  // 2023-11-14T22:13:20.000Z
  const resources::ResourceService service_{secrets_, clock_};
  std::shared_ptr<const contract::Contract> contract_ = contract::Contract::load_embedded();
  // Campaign creates first run a pre-create step that answers from another thread, as a
  // provider API call does: it refuses a campaign named "Refused".
  std::atomic<int> pre_creates_{0};
  const resources::ResourceSpec campaign_spec_ = [this] {
    auto spec = campaigns::campaign_spec();
    // The controller is under test, not what a campaign needs to be dialled (a number, ...).
    spec.on_create = nullptr;
    spec.before_create = [this](const json::object& body, const std::string& org_id,
                                std::function<void(std::exception_ptr)> done) {
      ++pre_creates_;
      const bool refuse = body.at("name") == "Refused" && org_id == "a";
      std::thread([refuse, done = std::move(done)] {
        done(refuse ? std::make_exception_ptr(ApiError::bad_request("refused before storing"))
                    : nullptr);
      }).detach();
    };
    return spec;
  }();
  const resources::ResourceSpec provider_spec_ = provider_resources::provider_resource_spec();
  const resources::ResourceSpec chat_spec_ = chats::chat_spec();
  http::Router router_;
  test::FakeAuthenticator auth_;
  std::vector<std::unique_ptr<ResourceController>> controllers_;
  std::unique_ptr<http::Dispatcher> dispatcher_;
};

using http::Method;

TEST_F(ResourceControllerTest, TimestampsComeFromTheServicesClock) {
  auto created = send(Method::kPost, "/v2/campaign",
                      R"({"name":"Renewals","customers":[{"number":"+14155550100"}]})");
  ASSERT_EQ(created.status, 201) << json::serialize(created.body);
  EXPECT_EQ(created.body.at("createdAt"), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(created.body.at("updatedAt"), "2023-11-14T22:13:20.000Z");
  const std::string id(created.body.at("id").as_string());
  clock_.advance(std::chrono::minutes(90));
  auto renamed = send(Method::kPatch, "/v2/campaign/" + id, R"({"name":"Renewals Q4"})");
  ASSERT_EQ(renamed.status, 200) << json::serialize(renamed.body);
  EXPECT_EQ(renamed.body.at("createdAt"), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(renamed.body.at("updatedAt"), "2023-11-14T23:43:20.000Z");
  // A clock that has not moved still moves updatedAt forward, so writes stay ordered.
  auto again = send(Method::kPatch, "/v2/campaign/" + id, R"({"name":"Renewals Q1"})");
  EXPECT_EQ(again.body.at("updatedAt"), "2023-11-14T23:43:20.001Z");
}

TEST_F(ResourceControllerTest, FurtherPathsServeTheSameObjectsWithTheirOwnViews) {
  // POST on a further list path, where the contract declares it.
  auto created = send(Method::kPost, "/v2/campaign",
                      R"({"name":"Renewals","customers":[{"number":"+14155550100"}]})");
  ASSERT_EQ(created.status, 201) << json::serialize(created.body);
  const std::string id(created.body.at("id").as_string());
  EXPECT_EQ(created.body.at("status"), "scheduled");
  EXPECT_TRUE(created.body.as_object().contains("customers"));  // a Campaign

  auto v1 = send(Method::kGet, "/campaign/" + id);
  EXPECT_EQ(v1.body, created.body);
  auto v2 = send(Method::kGet, "/v2/campaign/" + id + "?includeCounters=true");
  ASSERT_EQ(v2.status, 200);
  EXPECT_FALSE(v2.body.as_object().contains("customers"));  // a CampaignSummary
  EXPECT_EQ(v2.body.at("contactCounters").at("pending"), 1);
  auto list = send(Method::kGet, "/v2/campaign?includeCounters=false");
  ASSERT_EQ(list.body.at("results").as_array().size(), 1u);
  EXPECT_FALSE(list.body.at("results").at(0).as_object().contains("customers"));
  EXPECT_FALSE(list.body.at("results").at(0).as_object().contains("contactCounters"));

  // PATCH on the further item path answers the full object; shape_body recorded why it ended.
  auto ended = send(Method::kPatch, "/v2/campaign/" + id, R"({"status":"ended"})");
  ASSERT_EQ(ended.status, 200) << json::serialize(ended.body);
  EXPECT_EQ(ended.body.at("endedReason"), "campaign.scheduled.ended-by-user");
  EXPECT_TRUE(ended.body.as_object().contains("customers"));
  EXPECT_EQ(send(Method::kPatch, "/v2/campaign/" + id, R"({"status":"cancelled"})").status, 400);
  EXPECT_EQ(send(Method::kDelete, "/v2/campaign/" + id).status, 200);
  EXPECT_EQ(send(Method::kGet, "/campaign/" + id).status, 404);
}

TEST_F(ResourceControllerTest, ItemPathsAreScopedByTheirOtherParameters) {
  const std::string elevenlabs = "/provider/11labs/pronunciation-dictionary";
  const std::string cartesia = "/provider/cartesia/pronunciation-dictionary";
  // No body schema in the contract: any JSON object, kept under `resource`.
  auto created = send(Method::kPost, elevenlabs, R"({"name":"Brand names","rules":[]})");
  ASSERT_EQ(created.status, 201) << json::serialize(created.body);
  const std::string id(created.body.at("id").as_string());
  EXPECT_EQ(created.body.at("provider"), "11labs");
  EXPECT_EQ(json::serialize(created.body.at("resource")), R"({"name":"Brand names","rules":[]})");
  EXPECT_EQ(send(Method::kPost, elevenlabs, "[1]").status, 400);
  EXPECT_EQ(send(Method::kPost, elevenlabs).status, 201);  // an empty body is an empty object

  EXPECT_EQ(send(Method::kGet, elevenlabs + "/" + id).body, created.body);
  const auto wrong = send(Method::kGet, cartesia + "/" + id);
  EXPECT_EQ(wrong.status, 404);
  EXPECT_EQ(wrong.body.at("message"), "Provider resource not found");
  EXPECT_EQ(send(Method::kPatch, cartesia + "/" + id, R"({"rules":[]})").status, 404);
  EXPECT_EQ(send(Method::kDelete, cartesia + "/" + id).status, 404);
  EXPECT_EQ(send(Method::kGet, cartesia).body.at("metadata").at("totalItems"), 0);
  EXPECT_EQ(send(Method::kGet, elevenlabs).body.at("metadata").at("totalItems"), 2);

  auto patched = send(Method::kPatch, elevenlabs + "/" + id, R"({"name":null,"locale":"en"})");
  ASSERT_EQ(patched.status, 200);
  EXPECT_EQ(json::serialize(patched.body.at("resource")), R"({"rules":[],"locale":"en"})");
  EXPECT_EQ(send(Method::kGet, elevenlabs + "/" + id, {}, "b").status, 404);  // another org
  EXPECT_EQ(send(Method::kDelete, elevenlabs + "/" + id).status, 200);
}

TEST_F(ResourceControllerTest, APreCreateStepRunsBeforeTheCreateAndCanRefuseIt) {
  const std::string body = R"({"name":"%","customers":[{"number":"+14155550100"}]})";
  const auto named = [&](const std::string& name) {
    return std::string(body).replace(body.find('%'), 1, name);
  };
  const auto refused = send(Method::kPost, "/campaign", named("Refused"));
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.body.at("message").at(0), "refused before storing");
  EXPECT_EQ(send(Method::kGet, "/v2/campaign").body.at("results").as_array().size(), 0u);

  const auto created = send(Method::kPost, "/campaign", named("Renewals"));
  ASSERT_EQ(created.status, 201) << json::serialize(created.body);
  EXPECT_EQ(pre_creates_, 2);
  // Not on PATCH.
  const std::string id(created.body.at("id").as_string());
  EXPECT_EQ(send(Method::kPatch, "/campaign/" + id, R"({"name":"Refused"})").status, 200);
  EXPECT_EQ(pre_creates_, 2);
}

TEST_F(ResourceControllerTest, ACollectionCanLeaveCreationToAnotherRoute) {
  EXPECT_EQ(dispatcher_->router().match(Method::kPost, "/chat").route, nullptr);
  EXPECT_NE(dispatcher_->router().match(Method::kGet, "/chat").route, nullptr);
  EXPECT_NE(dispatcher_->router().match(Method::kDelete, "/chat/x").route, nullptr);
  const auto empty = send(Method::kGet, "/chat");
  EXPECT_EQ(empty.body.at("results").as_array().size(), 0u);
  EXPECT_EQ(send(Method::kGet, "/chat/abc").body.at("message"), "Chat not found");
}

}  // namespace
}  // namespace sb::api
