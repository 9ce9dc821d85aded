// The chat service from request to stored chat, over a scripted model and a temporary
// database: it loads what the request names, runs the engine, stores the chat, and reports
// a cancel the way the chat API always has. The store works on its own threads, so the test
// waits for each step's state (test::eventually) before playing the model's next one.

#include "runtime/chat/chat_service.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <optional>

#include <boost/json/parse.hpp>

#include "core/crypto.hpp"
#include "core/manual_clock.hpp"
#include "domain/assistants/assistant_spec.hpp"
#include "domain/chats/chat_spec.hpp"
#include "domain/credentials/credential_spec.hpp"
#include "domain/resources/resource_service.hpp"
#include "domain/sessions/session_spec.hpp"
#include "domain/squads/squad_spec.hpp"
#include "domain/tools/tool_spec.hpp"
#include "scripted_model.hpp"
#include "temp_database.hpp"

namespace sb::chat {
namespace {

namespace json = boost::json;

// custom-llm needs no key, so the test needs no credential.
json::object body(std::string_view input) {
  auto b = json::parse(R"({"assistant":{"name":"a","model":{"provider":"custom-llm",
    "model":"m","url":"http://model"}}})")
               .as_object();
  b["input"] = input;
  return b;
}

class ChatServiceTest : public ::testing::Test {
 protected:
  // What the observer heard; written on the store's and the test's threads.
  struct Heard {
    std::mutex mutex;
    std::optional<json::object> chat;
    std::optional<ChatFailure> failure;
    bool ended() {
      std::lock_guard lock(mutex);
      return chat || failure;
    }
  };

  ChatObserver observer(bool keep_going = true) {
    ChatObserver o;
    o.on_delta = [keep_going](std::size_t, std::string_view) { return keep_going; };
    o.on_done = [this](json::object chat) {
      std::lock_guard lock(heard_.mutex);
      heard_.chat = std::move(chat);
    };
    o.on_failure = [this](ChatFailure f) {
      std::lock_guard lock(heard_.mutex);
      heard_.failure = std::move(f);
    };
    return o;
  }
  bool model_asked(std::size_t n) {
    return test::eventually([&] { return model_.count() == n; });
  }

  test::TempDatabase db_{"sb-chat-service"};
  std::unique_ptr<storage::sqlite::SqliteStore> store_ = db_.open_with_org(2);
  const SecretBox secrets_{SecretBox::generate_key_hex()};
  const resources::ResourceService service_{secrets_};
  const resources::ResourceSpec assistants_ = assistants::assistant_spec();
  const resources::ResourceSpec squads_ = squads::squad_spec();
  const resources::ResourceSpec tools_spec_ = tools::tool_spec();
  const resources::ResourceSpec credentials_ = credentials::credential_spec();
  const resources::ResourceSpec chats_ = chats::chat_spec();
  const resources::ResourceSpec sessions_ = sessions::session_spec();
  testing::ScriptedModel model_;
  testing::ScriptedTools tools_;
  ChatEngine engine_{model_, tools_};
  llm::ProviderSettings settings_;
  ManualClock clock_{1'700'000'000'000};  // 2023-11-14T22:13:20Z
  ChatService chats_service_{ChatServiceDeps{
      *store_,
      service_,
      {assistants_, squads_, tools_spec_, credentials_, chats_, sessions_},
      engine_,
      settings_,
      [](storage::Session&, std::string_view) { return std::optional<json::object>(); },
      clock_}};
  Heard heard_;
};

TEST_F(ChatServiceTest, RunsTheModelAndStoresTheChat) {
  chats_service_.create("org-a", "chat-1", body("Hi"), observer());
  ASSERT_TRUE(model_asked(1));
  EXPECT_EQ(model_.last().request.base_url, "http://model");
  EXPECT_EQ(model_.last().request.messages.back().at("content"), "Hi");
  model_.last().delta("Hello");
  model_.last().complete("Hello");
  ASSERT_TRUE(test::eventually([&] { return heard_.ended(); }));
  ASSERT_TRUE(heard_.chat);
  EXPECT_EQ(heard_.chat->at("output").at(0).at("content"), "Hello");
  json::object stored;
  store_->read_sync(
      [&](storage::Session& s) { stored = service_.load(s, chats_, "org-a", "chat-1"); });
  EXPECT_EQ(stored.at("output").at(0).at("content"), "Hello");
}

TEST_F(ChatServiceTest, ACancelledChatFailsAsItAlwaysHasAndIsNotStored) {
  chats_service_.create("org-a", "chat-1", body("Hi"), observer(false));
  ASSERT_TRUE(model_asked(1));
  EXPECT_FALSE(model_.last().delta("Hel"));
  ASSERT_TRUE(heard_.ended());
  ASSERT_TRUE(heard_.failure);
  EXPECT_EQ(heard_.failure->code, ErrorCode::kBadGateway);
  EXPECT_EQ(heard_.failure->message, "cancelled");
  EXPECT_EQ(model_.last().cancels, 1);
  store_->read_sync([&](storage::Session& s) {
    EXPECT_THROW(service_.load(s, chats_, "org-a", "chat-1"), ApiError);
  });
}

TEST_F(ChatServiceTest, ItsHandleCancelsTheTurnAndCutsTheModelExchange) {
  // A streamed chat's client hangs up while the provider is silent: the route cancels.
  auto chat = chats_service_.create("org-a", "chat-1", body("Hi"), observer());
  ASSERT_TRUE(model_asked(1));
  model_.last().delta("Hel");
  EXPECT_FALSE(heard_.ended());
  chat->cancel();
  EXPECT_EQ(model_.last().cancels, 1);
  ASSERT_TRUE(heard_.ended());
  ASSERT_TRUE(heard_.failure);
  EXPECT_EQ(heard_.failure->message, "cancelled");
  chat->cancel();                   // idempotent
  model_.last().complete("Hello");  // the exchange's late end is not heard
  EXPECT_FALSE(heard_.chat);
  store_->read_sync([&](storage::Session& s) {
    EXPECT_THROW(service_.load(s, chats_, "org-a", "chat-1"), ApiError);
  });
}

TEST_F(ChatServiceTest, ACancelWhileLoadingNeverAsksTheModel) {
  // Both of the store's readers are busy, so the chat's load waits: cancel it there.
  std::promise<void> release;
  const auto gate = release.get_future().share();
  store_->post_read([gate](storage::Session&) { gate.wait(); });
  store_->post_read([gate](storage::Session&) { gate.wait(); });
  auto chat = chats_service_.create("org-a", "chat-1", body("Hi"), observer());
  chat->cancel();
  release.set_value();
  ASSERT_TRUE(test::eventually([&] { return heard_.ended(); }));
  ASSERT_TRUE(heard_.failure);
  EXPECT_EQ(heard_.failure->message, "cancelled");
  EXPECT_EQ(model_.count(), 0u);
}

TEST_F(ChatServiceTest, ACancelAfterTheEndDoesNothing) {
  auto chat = chats_service_.create("org-a", "chat-1", body("Hi"), observer());
  ASSERT_TRUE(model_asked(1));
  model_.last().complete("Hello");
  chat->cancel();
  ASSERT_TRUE(test::eventually([&] { return heard_.ended(); }));
  EXPECT_TRUE(heard_.chat);
  EXPECT_FALSE(heard_.failure);
}

TEST_F(ChatServiceTest, AnAssistantThatDoesNotExistIsNotFound) {
  auto b = json::parse(R"({"assistantId":"nope","input":"Hi"})").as_object();
  chats_service_.create("org-a", "chat-1", std::move(b), observer());
  ASSERT_TRUE(test::eventually([&] { return heard_.ended(); }));
  ASSERT_TRUE(heard_.failure);
  EXPECT_EQ(heard_.failure->code, ErrorCode::kNotFound);
  EXPECT_EQ(model_.count(), 0u);
}

TEST_F(ChatServiceTest, AProviderFailureReachesTheObserverWithItsEndedReason) {
  chats_service_.create("org-a", "chat-1", body("Hi"), observer());
  ASSERT_TRUE(model_asked(1));
  model_.last().fail(ErrorCode::kBadGateway, "custom-llm answered 500: boom");
  ASSERT_TRUE(test::eventually([&] { return heard_.ended(); }));
  ASSERT_TRUE(heard_.failure);
  EXPECT_EQ(heard_.failure->message, "custom-llm answered 500: boom");
  EXPECT_EQ(heard_.failure->ended_reason, "pipeline-error-custom-llm-llm-failed");
}

TEST_F(ChatServiceTest, StampsTheChatAndRendersTemplatesWithTheInjectedClock) {
  auto b = body("Hi");
  b["assistant"].as_object()["model"].as_object()["messages"] = json::parse(
      R"([{"role":"system","content":"Today is {{date}}, {{ 'now' | date: '%H:%M' }}"}])");
  chats_service_.create("org-a", "chat-1", std::move(b), observer());
  ASSERT_TRUE(model_asked(1));
  EXPECT_EQ(model_.last().request.messages.at(0).at("content"), "Today is Nov 14, 2023, 22:13");
  clock_.advance(std::chrono::milliseconds(1'500));  // the model takes its time
  model_.last().complete("Hello");
  ASSERT_TRUE(test::eventually([&] { return heard_.ended(); }));
  ASSERT_TRUE(heard_.chat);
  EXPECT_EQ(heard_.chat->at("createdAt"), "2023-11-14T22:13:21.500Z");
  EXPECT_EQ(heard_.chat->at("updatedAt"), "2023-11-14T22:13:21.500Z");
}

TEST_F(ChatServiceTest, ASessionExpiresOnTheInjectedClock) {
  // Created 60 s before the clock's start, expiring 61 s after its creation.
  store_->write_sync([&](storage::Session& s) {
    auto session = json::parse(R"({"id":"s1","orgId":"org-a",
      "status":"active","expirationSeconds":61,"createdAt":"2023-11-14T22:12:20.000Z",
      "updatedAt":"2023-11-14T22:12:20.000Z"})")
                       .as_object();
    session["assistant"] = body("").at("assistant");
    service_.insert_document(s, sessions_, session);
  });
  auto in_session = [](std::string input) {
    return json::object{{"sessionId", "s1"}, {"input", input}};
  };
  chats_service_.create("org-a", "chat-1", in_session("Hi"), observer());
  ASSERT_TRUE(model_asked(1));  // still open: one second left
  model_.last().complete("Hello");
  ASSERT_TRUE(test::eventually([&] { return heard_.ended(); }));
  ASSERT_TRUE(heard_.chat);
  EXPECT_EQ(heard_.chat->at("createdAt"), "2023-11-14T22:13:20.000Z");

  clock_.advance(std::chrono::seconds(1));
  heard_.chat.reset();
  chats_service_.create("org-a", "chat-2", in_session("Still there?"), observer());
  ASSERT_TRUE(test::eventually([&] { return heard_.ended(); }));
  ASSERT_TRUE(heard_.failure);
  EXPECT_EQ(heard_.failure->code, ErrorCode::kBadRequest);
  EXPECT_EQ(heard_.failure->message,
            "Session s1 expired at 2023-11-14T22:13:21.000Z: create a new session to chat");
  EXPECT_EQ(model_.count(), 1u);
}

}  // namespace
}  // namespace sb::chat
