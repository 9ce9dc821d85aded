// The workspace group as the server wires it: every route registers, a call's artifact routes
// redirect to what its document stores (calls cannot be created through the API yet, so the
// call is written to the store directly), and /api-json answers without a key.

#include <gtest/gtest.h>

#include <cctype>

#include <boost/json/parse.hpp>

#include "app/catalog/catalog.hpp"
#include "contract/contract.hpp"
#include "core/crypto.hpp"
#include "dispatch_support.hpp"
#include "domain/phone_numbers/number_pool.hpp"
#include "http/dispatcher.hpp"
#include "storage/org_repository.hpp"
#include "storage/resource_repository.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "temp_database.hpp"

namespace sb::app {
namespace {

constexpr const char* kCallId = "0d9c8b7a-6f5e-4d3c-8b2a-190f8e7d6c5b";

class WorkspaceCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<storage::sqlite::SqliteStore>(
        storage::sqlite::SqliteOptions{db_.path(), 2});
    store_->write_sync([](storage::Session& s) {
      s.orgs().insert_org("a", "a", 1);
      s.orgs().insert_org("b", "b", 1);
      storage::ResourceRecord call;
      call.kind = "call";
      call.id = kCallId;
      call.org_id = "a";
      call.created_at = call.updated_at = 1;
      call.document = std::string(R"({"id":")") + kCallId + R"(","orgId":"a","artifact":{)" +
                      R"("recording":{"mono":{"combinedUrl":"https://files.example.com/m.wav"}},)" +
                      R"("pcapUrl":"https://files.example.com/sip.pcap"}})";
      s.resources().insert(call);
    });
    catalog_ = std::make_unique<Catalog>(CatalogDeps{
        *store_, secrets_, contract::Contract::load_embedded(), pool_, db_.dir().string()});
    add_workspace(*catalog_);
    http::Router router;
    catalog_->register_routes(router);
    dispatcher_ =
        std::make_unique<http::Dispatcher>(std::move(router), auth_, catalog_->deps().contract);
  }
  void TearDown() override { store_->stop(); }

  http::Response get(std::string path, std::string org = "a") {
    http::Request r = test::request_for(http::Method::kGet, std::move(path));
    if (!org.empty()) r.authorization = "Bearer key-" + org;
    return test::dispatch_and_wait(*dispatcher_, std::move(r));
  }

  static std::string header(const http::Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return {};
  }

  static std::string message(const http::Response& r) {
    return std::string(boost::json::parse(r.body).at("message").as_string());
  }

  test::TempDatabase db_{"sb-workspace"};
  std::unique_ptr<storage::sqlite::SqliteStore> store_;
  const SecretBox secrets_{SecretBox::generate_key_hex()};
  const phone_numbers::NumberPool pool_;
  std::unique_ptr<Catalog> catalog_;
  test::FakeAuthenticator auth_;
  std::unique_ptr<http::Dispatcher> dispatcher_;
};

// The contract's operations this group serves: calls with their artifacts, stored chats (POST
// /chat and /chat/responses are the chat engine's, see catalog_chats.cpp), campaigns, sessions,
// structured outputs, insights, scorecards, provider resources, analytics, and the org (POST
// /chat, POST /call and POST /structured-output/run belong to the chats' and the live calls'
// groups; evals, their runs and simulations to the evals' group, catalog_evals.cpp). Boards
// are not served by any group.
bool served_by_workspace(const contract::Operation& op) {
  const std::string& path = op.path_template;
  if (path.starts_with("/reporting/board") || path.starts_with("/eval")) return false;
  if (op.method == "post" && (path == "/chat" || path == "/chat/responses")) return false;
  if (op.method == "post" && (path == "/call" || path == "/structured-output/run"))
    return false;  // the live calls' group
  for (std::string_view prefix :
       {"/call", "/chat", "/campaign", "/v2/campaign", "/session", "/structured-output",
        "/reporting/insight", "/observability/scorecard", "/provider/", "/analytics", "/org"})
    if (path.starts_with(prefix)) return true;
  return false;
}

TEST_F(WorkspaceCatalogTest, EveryOperationOfTheGroupHasARoute) {
  const auto& router = dispatcher_->router();
  std::size_t served = 0;
  for (const auto& op : catalog_->deps().contract->operations()) {
    if (!served_by_workspace(op)) continue;
    std::string method = op.method;  // the contract's are lower case, HTTP's upper
    for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto match = router.match(http::parse_method(method), op.path_template);
    ASSERT_NE(match.route, nullptr) << op.method << " " << op.path_template << " has no route";
    EXPECT_EQ(match.route->operation,
              catalog_->deps().contract->operation(op.method, op.path_template))
        << op.method << " " << op.path_template << " is routed to another operation";
    ++served;
  }
  EXPECT_GT(served, 0u);
  // And nothing else: every route but /api-json serves one of these operations.
  for (const auto* route : router.routes()) {
    // /api-json and the recordings' capability URLs are outside the API document.
    if (route->path == "/api-json" || route->path == "/recording/{name}") continue;
    EXPECT_TRUE(route->operation && served_by_workspace(*route->operation)) << route->path;
  }
}

TEST_F(WorkspaceCatalogTest, ArtifactRoutesRedirectToTheStoredUrl) {
  const std::string call = std::string("/call/") + kCallId;
  auto mono = get(call + "/mono-recording");
  EXPECT_EQ(mono.status, 302);
  EXPECT_EQ(header(mono, "Location"), "https://files.example.com/m.wav");
  EXPECT_EQ(header(get(call + "/pcap"), "Location"), "https://files.example.com/sip.pcap");
  auto none = get(call + "/assistant-recording");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(message(none), "This call has no assistant recording");
  auto other_org = get(call + "/mono-recording", "b");
  EXPECT_EQ(other_org.status, 404);
  EXPECT_EQ(message(other_org), "Call not found");
}

TEST_F(WorkspaceCatalogTest, ApiJsonNeedsNoKeyAndServesTheSameBytes) {
  auto first = get("/api-json", "");
  auto second = get("/api-json", "");
  ASSERT_EQ(first.status, 200);
  ASSERT_TRUE(first.shared_body);
  EXPECT_EQ(first.shared_body.get(), second.shared_body.get());  // built once
  EXPECT_EQ(boost::json::parse(*first.shared_body).at("openapi"), "3.0.0");
}

}  // namespace
}  // namespace sb::app
