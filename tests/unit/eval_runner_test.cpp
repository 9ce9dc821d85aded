// The eval runner over a scripted model and a temporary database: a run is stored queued,
// goes running, plays its mock conversation (the model asked only at checkpoints, its tool
// calls judged and never run, mocked tool responses put in the history) and ends with its
// result; a model failure ends it with endedReason "error".

#include "runtime/evals/eval_runner.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>

#include <boost/json/parse.hpp>

#include "core/crypto.hpp"
#include "core/manual_clock.hpp"
#include "domain/assistants/assistant_spec.hpp"
#include "domain/credentials/credential_spec.hpp"
#include "domain/evals/eval_spec.hpp"
#include "domain/resources/resource_service.hpp"
#include "domain/squads/squad_spec.hpp"
#include "domain/tools/tool_spec.hpp"
#include "scripted_model.hpp"
#include "temp_database.hpp"

namespace sb::evals {
namespace {

namespace json = boost::json;

// custom-llm needs no key. The assistant offers a tool, which an eval never runs.
json::object run_body(std::string_view messages) {
  auto body = json::parse(R"({"type":"eval","target":{"type":"assistant","assistant":{
    "name":"a","model":{"provider":"custom-llm","model":"m","url":"http://model","tools":[
    {"type":"function","function":{"name":"book"}}]}}}})")
                  .as_object();
  body["eval"] =
      json::object{{"type", "chat.mockConversation"}, {"messages", json::parse(messages)}};
  return body;
}

class EvalRunnerTest : public ::testing::Test {
 protected:
  // Creates a run; returns its id once stored.
  std::string create(json::object body) {
    std::promise<std::string> id;
    runner_.create("org-a", std::move(body), [&](std::exception_ptr error, json::object run) {
      if (error) return id.set_exception(error);
      id.set_value(std::string(run.at("id").as_string()));
    });
    return id.get_future().get();
  }
  json::object stored(const std::string& id) {
    json::object run;
    store_->read_sync([&](storage::Session& s) { run = service_.load(s, runs_, "org-a", id); });
    return run;
  }
  bool status_is(const std::string& id, const char* status) {
    return test::eventually([&] { return stored(id).at("status") == status; });
  }
  bool model_asked(std::size_t n) {
    return test::eventually([&] { return model_.count() == n; });
  }

  test::TempDatabase db_{"sb-eval-runner"};
  std::unique_ptr<storage::sqlite::SqliteStore> store_ = db_.open_with_org(2);
  const SecretBox secrets_{SecretBox::generate_key_hex()};
  const resources::ResourceService service_{secrets_};
  const resources::ResourceSpec assistants_ = assistants::assistant_spec();
  const resources::ResourceSpec squads_ = squads::squad_spec();
  const resources::ResourceSpec tools_spec_ = tools::tool_spec();
  const resources::ResourceSpec credentials_ = credentials::credential_spec();
  const resources::ResourceSpec evals_ = eval_spec();
  const resources::ResourceSpec runs_ = eval_run_spec();
  chat::testing::ScriptedModel model_;
  chat::testing::ScriptedTools tools_;
  chat::ChatEngine engine_{model_, tools_};
  llm::ProviderSettings settings_;
  ManualClock clock_{1'700'000'000'000};  // 2023-11-14T22:13:20Z
  EvalRunner runner_{EvalRunnerDeps{
      *store_,
      service_,
      evals_,
      runs_,
      {service_, assistants_, squads_, tools_spec_, credentials_, clock_},
      engine_,
      settings_,
      [](storage::Session&, std::string_view) { return std::optional<json::object>(); },
      clock_}};
};

TEST_F(EvalRunnerTest, ACheckpointsToolCallIsJudgedNotRunAndTheMockAnswersIt) {
  const auto id = create(run_body(R"([
    {"role":"user","content":"Book Monday"},
    {"role":"assistant","judgePlan":{"type":"exact","content":"","toolCalls":[{"name":"book"}]}},
    {"role":"tool","content":"booked"},
    {"role":"assistant","judgePlan":{"type":"regex","content":"^Done"}}])"));
  ASSERT_TRUE(model_asked(1));
  EXPECT_TRUE(status_is(id, "running"));
  model_.last().complete("", {{"call_1", "book", "{}"}});
  ASSERT_TRUE(model_asked(2));
  EXPECT_TRUE(tools_.batches.empty());  // the call was the answer, never run
  // The second checkpoint's model sees the call and the mocked result.
  const auto& messages = model_.last().request.messages;
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[1].at("tool_calls").at(0).at("id"), "call_1");
  EXPECT_EQ(messages[2],
            json::parse(R"({"role":"tool","content":"booked","tool_call_id":"call_1"})"));
  model_.last().complete("Done, see you Monday");
  ASSERT_TRUE(status_is(id, "ended"));
  const auto run = stored(id);
  EXPECT_EQ(run.at("endedReason"), "mockConversation.done");
  const auto& result = run.at("results").at(0).as_object();
  EXPECT_EQ(result.at("status"), "pass");
  EXPECT_EQ(result.at("messages").at(1).at("toolCalls"), json::parse(R"([{"name":"book"}])"));
  EXPECT_EQ(result.at("messages").at(3).at("judge"), json::parse(R"({"status":"pass"})"));
}

TEST_F(EvalRunnerTest, AToolResponseCheckpointRunsTheToolAndAnLlmJudgesItsResult) {
  const auto id = create(run_body(R"([
    {"role":"user","content":"Book Monday"},
    {"role":"assistant","judgePlan":{"type":"exact","content":"","toolCalls":[{"name":"book"}]}},
    {"role":"tool","judgePlan":{"type":"ai","model":{"provider":"custom-llm","model":"judge",
      "url":"http://judge","messages":[{"role":"user","content":"{{ messages[-1].content }}"}]}}}])"));
  ASSERT_TRUE(model_asked(1));
  model_.last().complete("", {{"call_1", "book", R"({"day":"Monday"})"}});
  ASSERT_TRUE(test::eventually([&] { return tools_.batches.size() == 1; }));
  EXPECT_EQ(tools_.batches[0].calls.at(0).call.arguments, R"({"day":"Monday"})");
  tools_.finish("booked #7");
  ASSERT_TRUE(model_asked(2));  // the judge, with the tool's result where its prompt says
  EXPECT_EQ(model_.last().request.base_url, "http://judge");
  EXPECT_EQ(model_.last().request.messages.back().at("content"), "booked #7");
  model_.last().complete("pass");
  ASSERT_TRUE(status_is(id, "ended"));
  const auto run = stored(id);
  const auto& result = run.at("results").at(0).as_object();
  EXPECT_EQ(result.at("status"), "pass");
  EXPECT_EQ(result.at("messages").at(2),
            json::parse(R"({"role":"tool","content":"booked #7","judge":{"status":"pass"}})"));
}

TEST_F(EvalRunnerTest, AModelFailureEndsTheRunWithError) {
  const auto id = create(run_body(R"([{"role":"user","content":"Hi"},
    {"role":"assistant","judgePlan":{"type":"exact","content":"Hello"}}])"));
  ASSERT_TRUE(model_asked(1));
  model_.last().fail(ErrorCode::kBadGateway, "custom-llm answered 500: down", 500);
  ASSERT_TRUE(status_is(id, "ended"));
  const auto run = stored(id);
  EXPECT_EQ(run.at("endedReason"), "error");
  EXPECT_EQ(run.at("endedMessage"), "custom-llm answered 500: down");
  EXPECT_EQ(run.at("results").at(0).at("status"), "fail");
}

TEST_F(EvalRunnerTest, ATargetThatDoesNotExistIsTheRequestsErrorAndNothingIsStored) {
  auto body = run_body(R"([])");
  body["target"] =
      json::parse(R"({"type":"assistant","assistantId":"00000000-0000-4000-8000-000000000000"})");
  EXPECT_THROW(create(std::move(body)), ApiError);
  std::size_t runs = 0;
  store_->read_sync([&](storage::Session& s) {
    runs = service_.list(s, runs_, "org-a", storage::ResourceQuery{}).documents.size();
  });
  EXPECT_EQ(runs, 0u);
}

}  // namespace
}  // namespace sb::evals
