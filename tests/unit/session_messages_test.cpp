#include "webhooks/session_messages.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>

#include "domain/orgs/org_settings.hpp"
#include "storage/org_repository.hpp"
#include "storage/resource_repository.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "temp_database.hpp"
#include "webhooks/webhooks.hpp"

namespace sb::webhooks {
namespace {

namespace json = boost::json;
using resources::Change;

// Records what would be enqueued.
class RecordingDeliveries final : public Deliveries {
 public:
  struct Sent {
    Destination to;
    std::string stream;
    json::object message;
  };
  std::vector<Sent> sent;

  std::string enqueue(storage::Session&, const Destination& to, std::string_view stream,
                      json::object message) override {
    sent.push_back({to, std::string(stream), std::move(message)});
    return "id";
  }
  Cancel request(Destination, json::object, std::chrono::milliseconds,
                 std::function<void(Reply)>) override {
    return [] {};
  }
};

class SessionMessagesTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = db_.open_with_org(1); }
  void TearDown() override { store_.reset(); }
  void add(std::string kind, std::string id, std::string document) {
    store_->write_sync([&](storage::Session& s) {
      storage::ResourceRecord r;
      r.kind = kind;
      r.id = id;
      r.org_id = "org-a";
      r.document = document;
      s.resources().insert(r);
    });
  }
  void set_org_server(const char* url) {
    store_->write_sync([&](storage::Session& s) {
      orgs::update_org(s, "org-a", {{"server", {{"url", url}}}});
    });
  }
  // The url the session's message went to, or "" when none was sent.
  std::string sent_to(const char* session, Change change = Change::kCreated) {
    RecordingDeliveries deliveries;
    const auto hook = session_notifier(deliveries);
    store_->write_sync(
        [&](storage::Session& s) { hook(s, change, json::parse(session).as_object()); });
    if (deliveries.sent.empty()) return "";
    last_ = deliveries.sent.back();
    return std::string(last_.to.server.at("url").as_string());
  }

  test::TempDatabase db_{"sb-session-msg"};
  std::unique_ptr<storage::sqlite::SqliteStore> store_;
  RecordingDeliveries::Sent last_;
};

TEST_F(SessionMessagesTest, TheAssistantsServerComesBeforeThePhoneNumbersAndTheOrgs) {
  add("assistant", "as-1", R"({"id":"as-1","server":{"url":"http://assistant"}})");
  add("assistant", "as-2", R"({"id":"as-2"})");
  add("phone-number", "pn-1", R"({"id":"pn-1","server":{"url":"http://number"}})");
  set_org_server("http://org");
  EXPECT_EQ(sent_to(R"({"id":"s1","orgId":"org-a","assistantId":"as-1","phoneNumberId":"pn-1"})"),
            "http://assistant");
  EXPECT_EQ(sent_to(R"({"id":"s2","orgId":"org-a","assistantId":"as-2","phoneNumberId":"pn-1"})"),
            "http://number");
  EXPECT_EQ(sent_to(R"({"id":"s3","orgId":"org-a","assistantId":"as-2"})"), "http://org");
  // An inline assistant's server is the session's assistant's.
  EXPECT_EQ(sent_to(R"({"id":"s4","orgId":"org-a","assistant":{"server":{"url":"http://inline"}},
                      "assistantId":"as-1"})"),
            "http://inline");
  // A deleted assistant counts as unset.
  EXPECT_EQ(sent_to(R"({"id":"s5","orgId":"org-a","assistantId":"as-gone"})"), "http://org");
}

TEST_F(SessionMessagesTest, NoServerNoMessage) {
  add("assistant", "as-2", R"({"id":"as-2","server":{"url":""}})");
  EXPECT_EQ(sent_to(R"({"id":"s1","orgId":"org-a","assistantId":"as-2"})"), "");
}

TEST_F(SessionMessagesTest, EachChangeHasItsTypeAndTheSessionIsTheStream) {
  set_org_server("http://org");
  const char* session = R"({"id":"s1","orgId":"org-a","customer":{"number":"+14155550100"}})";
  sent_to(session, Change::kCreated);
  EXPECT_EQ(last_.message.at("type").as_string(), "session.created");
  EXPECT_EQ(last_.stream, "s1");
  EXPECT_EQ(last_.to.org_id, "org-a");
  EXPECT_EQ(last_.message.at("session"), json::parse(session));
  EXPECT_EQ(last_.message.at("customer").at("number").as_string(), "+14155550100");
  sent_to(session, Change::kUpdated);
  EXPECT_EQ(last_.message.at("type").as_string(), "session.updated");
  sent_to(session, Change::kRemoved);
  EXPECT_EQ(last_.message.at("type").as_string(), "session.deleted");
}

}  // namespace
}  // namespace sb::webhooks
