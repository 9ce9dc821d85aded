// The inbound-call service over a temporary database, a fake Deliveries (assistant-requests
// answered by the test, status messages recorded) and a ManualClock: routing to the number's
// assistant or squad, an assistant-request answered, failed or timed out, the Call stored and
// its messages, and the provider's end-of-call status. The service has no timer of its own:
// the assistant-request's timeout is the Deliveries' (its deadline is what the budget left,
// measured on the clock), so a timeout is the failed reply Deliveries gives then.

#include "telephony/inbound_calls.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <optional>

#include <boost/json/parse.hpp>

#include "core/crypto.hpp"
#include "core/manual_clock.hpp"
#include "domain/assistants/assistant_spec.hpp"
#include "domain/calls/call_spec.hpp"
#include "domain/credentials/credential_spec.hpp"
#include "domain/phone_numbers/number_pool.hpp"
#include "domain/phone_numbers/phone_number_spec.hpp"
#include "domain/resources/resource_service.hpp"
#include "domain/squads/squad_spec.hpp"
#include "temp_database.hpp"
#include "webhooks/webhooks.hpp"

namespace sb::telephony {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

json::object obj(std::string_view text) {
  return json::parse(text).as_object();
}

// Status messages as enqueued; assistant-requests waiting for the test's reply.
class FakeDeliveries final : public webhooks::Deliveries {
 public:
  struct Enqueued {
    std::string url, stream;
    json::object message;
  };
  struct Requested {
    std::string url;
    json::object message;
    std::chrono::milliseconds deadline;
    std::function<void(webhooks::Reply)> done;
  };

  std::string enqueue(storage::Session&, const webhooks::Destination& to, std::string_view stream,
                      json::object message) override {
    std::lock_guard lock(mutex_);
    enqueued_.push_back(
        {std::string(to.server.at("url").as_string()), std::string(stream), std::move(message)});
    return "m";
  }
  webhooks::Cancel request(webhooks::Destination to, json::object message,
                           std::chrono::milliseconds deadline,
                           std::function<void(webhooks::Reply)> done) override {
    std::lock_guard lock(mutex_);
    requested_.push_back({std::string(to.server.at("url").as_string()), std::move(message),
                          deadline, std::move(done)});
    return [] {};
  }
  std::vector<Enqueued> enqueued() {
    std::lock_guard lock(mutex_);
    return enqueued_;
  }
  std::optional<Requested> requested() {
    std::lock_guard lock(mutex_);
    if (requested_.empty()) return std::nullopt;
    return requested_.back();
  }

 private:
  std::mutex mutex_;
  std::vector<Enqueued> enqueued_;
  std::vector<Requested> requested_;
};

webhooks::Reply reply_of(bool ok, int status, std::string_view body, std::string error = "") {
  webhooks::Reply r;
  r.ok = ok;
  r.status = status;
  if (!body.empty()) r.body = json::parse(body);
  r.error = std::move(error);
  return r;
}

constexpr EpochMs kStart = 1'700'000'000'000;  // 2023-11-14T22:13:20.000Z
constexpr std::string_view kNumber = "+14155550100";

class InboundCallsTest : public ::testing::Test {
 protected:
  InboundCallsTest() {
    put(assistants_, R"({"id":"a1","orgId":"org-a","name":"Front desk",
                         "server":{"url":"http://assistant"}})");
    put(squads_, R"({"id":"s1","orgId":"org-a","name":"Team","members":[{"assistantId":"a1"}]})");
  }

  void put(const resources::ResourceSpec& spec, std::string_view document) {
    auto d = obj(document);
    d["createdAt"] = "2023-01-01T00:00:00.000Z";
    d["updatedAt"] = "2023-01-01T00:00:00.000Z";
    store_->write_sync([&](storage::Session& s) { service_.insert_document(s, spec, d); });
  }
  // The org's twilio number, created as the API does (its number is then a lookup key),
  // with `extra` members (",\"assistantId\":...").
  void number(std::string_view extra = "") {
    const auto body = obj(R"({"provider":"twilio","twilioAccountSid":"AC1","number":")" +
                          std::string(kNumber) + "\"" + std::string(extra) + "}");
    store_->write_sync([&](storage::Session& s) { service_.create(s, numbers_, "org-a", body); });
  }

  // Rings the number; the outcome once the service has decided.
  std::future<RingOutcome> ring(bool signed_ok = true) {
    auto promise = std::make_shared<std::promise<RingOutcome>>();
    auto future = promise->get_future();
    calls_.ring(
        {{"twilio", "CA1", "+14155550123"}, std::string(kNumber)},
        [signed_ok](const CandidateNumber&) { return signed_ok; },
        [promise](RingOutcome out) { promise->set_value(std::move(out)); });
    return future;
  }
  static RingOutcome settled(std::future<RingOutcome>& f) {
    if (f.wait_for(5s) != std::future_status::ready) std::abort();  // a hang fails the run
    return f.get();
  }
  FakeDeliveries::Requested asked() {
    std::optional<FakeDeliveries::Requested> r;
    EXPECT_TRUE(test::eventually([&] { return (r = deliveries_.requested()).has_value(); }));
    if (!r) std::abort();
    return *r;
  }
  StatusOutcome::Status provider_status(std::string status, std::string call_id = "CA1") {
    std::promise<StatusOutcome> promise;
    auto future = promise.get_future();
    calls_.provider_status(
        "twilio", std::string(kNumber), std::move(call_id), std::move(status),
        [](const CandidateNumber&) { return true; },
        [&](StatusOutcome out) { promise.set_value(out); });
    if (future.wait_for(5s) != std::future_status::ready) std::abort();
    return future.get().status;
  }
  json::object stored_call(std::string_view id) {
    json::object call;
    store_->read_sync(
        [&](storage::Session& s) { call = service_.load(s, calls_spec_, "org-a", id); });
    return call;
  }

  test::TempDatabase db_{"sb-inbound-calls"};
  std::unique_ptr<storage::sqlite::SqliteStore> store_ = db_.open_with_org(2);
  const SecretBox secrets_{SecretBox::generate_key_hex()};
  const resources::ResourceService service_{secrets_};
  const phone_numbers::NumberPool pool_;
  const resources::ResourceSpec numbers_ = phone_numbers::phone_number_spec(pool_);
  const resources::ResourceSpec credentials_ = credentials::credential_spec();
  const resources::ResourceSpec assistants_ = assistants::assistant_spec();
  const resources::ResourceSpec squads_ = squads::squad_spec();
  const resources::ResourceSpec calls_spec_ = calls::call_spec();
  FakeDeliveries deliveries_;
  std::optional<json::object> org_server_;
  ManualClock clock_{kStart};
  InboundCalls calls_{InboundCallsDeps{
      *store_, service_, numbers_, credentials_, assistants_, squads_, calls_spec_, deliveries_,
      [this](storage::Session&, std::string_view) { return org_server_; }, clock_, nullptr}};
};

TEST_F(InboundCallsTest, TheNumbersAssistantTakesTheCallWhichIsStoredAndAnnounced) {
  number(R"(,"assistantId":"a1")");
  auto ringing = ring();
  const auto out = settled(ringing);
  ASSERT_EQ(out.status, RingOutcome::Status::kRouted);
  EXPECT_EQ(out.decision.kind, Decision::Kind::kAssistant);
  EXPECT_EQ(out.decision.assistant.at("assistantId"), "a1");
  EXPECT_FALSE(deliveries_.requested());  // no assistant-request when the number has one

  const auto call = stored_call(out.call.at("id").as_string());
  EXPECT_EQ(call.at("status"), "in-progress");
  EXPECT_EQ(call.at("assistantId"), "a1");
  EXPECT_EQ(call.at("phoneCallProviderId"), "CA1");
  EXPECT_EQ(call.at("createdAt"), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(call.at("startedAt"), "2023-11-14T22:13:20.000Z");
  // Its status-update goes to the assistant's server, in the call's stream.
  const auto sent = deliveries_.enqueued();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].url, "http://assistant");
  EXPECT_EQ(sent[0].stream, call.at("id").as_string());
  EXPECT_EQ(sent[0].message.at("type"), "status-update");
  EXPECT_EQ(sent[0].message.at("status"), "in-progress");
  EXPECT_EQ(sent[0].message.at("timestamp").to_number<EpochMs>(), kStart);
}

TEST_F(InboundCallsTest, TheNumbersSquadTakesTheCall) {
  number(R"(,"squadId":"s1","server":{"url":"http://numbers"})");
  auto ringing = ring();
  const auto out = settled(ringing);
  ASSERT_EQ(out.status, RingOutcome::Status::kRouted);
  EXPECT_EQ(out.decision.kind, Decision::Kind::kAssistant);
  EXPECT_EQ(out.decision.assistant.at("squadId"), "s1");
  const auto sent = deliveries_.enqueued();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].url, "http://numbers");  // a squad has no assistant server of its own
}

TEST_F(InboundCallsTest, AnAssistantRequestAnsweredWithAnAssistantRoutesToIt) {
  number(R"(,"server":{"url":"http://numbers"})");
  auto ringing = ring();
  const auto request = asked();
  EXPECT_EQ(request.url, "http://numbers");
  EXPECT_EQ(request.message.at("type"), "assistant-request");
  EXPECT_EQ(request.deadline, InboundCalls::kAssistantRequestBudget);
  clock_.advance(800ms);  // the server's answer takes its time
  request.done(reply_of(true, 200, R"({"assistantId":"a1"})"));
  const auto out = settled(ringing);
  ASSERT_EQ(out.status, RingOutcome::Status::kRouted);
  EXPECT_EQ(out.decision.assistant.at("assistantId"), "a1");
  const auto call = stored_call(out.call.at("id").as_string());
  EXPECT_EQ(call.at("status"), "in-progress");
  EXPECT_EQ(call.at("createdAt"), "2023-11-14T22:13:20.800Z");
  EXPECT_EQ(deliveries_.enqueued().at(0).url, "http://assistant");
}

TEST_F(InboundCallsTest, AFailedAssistantRequestFallsBackToTheFallbackDestination) {
  number(R"(,"server":{"url":"http://numbers"},
            "fallbackDestination":{"type":"number","number":"+15550009999"})");
  auto ringing = ring();
  asked().done(reply_of(false, 500, "", "status 500"));
  const auto out = settled(ringing);
  ASSERT_EQ(out.status, RingOutcome::Status::kRouted);
  EXPECT_EQ(out.decision.kind, Decision::Kind::kTransfer);
  EXPECT_EQ(out.decision.destination.at("number"), "+15550009999");
  const auto call = stored_call(out.call.at("id").as_string());
  EXPECT_EQ(call.at("status"), "ended");
  EXPECT_EQ(call.at("endedReason"), "assistant-request-failed");
  // Ended at once: its status-update, then its end-of-call-report, to the number's server.
  const auto sent = deliveries_.enqueued();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].message.at("type"), "status-update");
  EXPECT_EQ(sent[1].message.at("type"), "end-of-call-report");
  EXPECT_EQ(sent[1].url, "http://numbers");
}

TEST_F(InboundCallsTest, AnAssistantRequestAnsweredWithAnErrorSaysIt) {
  number(R"(,"server":{"url":"http://numbers"})");
  auto ringing = ring();
  asked().done(reply_of(true, 200, R"({"error":"We are closed."})"));
  const auto out = settled(ringing);
  EXPECT_EQ(out.decision.kind, Decision::Kind::kSay);
  EXPECT_EQ(out.decision.text, "We are closed.");
  EXPECT_EQ(stored_call(out.call.at("id").as_string()).at("endedReason"),
            "assistant-request-returned-error");
}

TEST_F(InboundCallsTest, TheAssistantRequestGetsWhatIsLeftOfTheBudgetAndATimeoutHangsUp) {
  number(R"(,"server":{"url":"http://numbers"})");
  // The store is busy for 2 s of the clock before the service looks the number up.
  std::promise<void> release;
  const auto gate = release.get_future().share();
  store_->post_read([gate](storage::Session&) { gate.wait(); });
  store_->post_read([gate](storage::Session&) { gate.wait(); });
  auto ringing = ring();
  clock_.advance(2s);
  release.set_value();
  const auto request = asked();
  EXPECT_EQ(request.deadline, InboundCalls::kAssistantRequestBudget - 2s);
  clock_.advance(request.deadline);
  request.done(reply_of(false, 0, "", "timeout"));  // what Deliveries reports at its deadline
  const auto out = settled(ringing);
  EXPECT_EQ(out.decision.kind, Decision::Kind::kHangup);
  const auto call = stored_call(out.call.at("id").as_string());
  EXPECT_EQ(call.at("endedReason"), "assistant-request-failed");
  EXPECT_EQ(call.at("endedAt"), "2023-11-14T22:13:27.500Z");  // the whole budget, spent
}

TEST_F(InboundCallsTest, NeitherAssistantNorServerHangsUp) {
  number();
  auto ringing = ring();
  const auto out = settled(ringing);
  EXPECT_EQ(out.decision.kind, Decision::Kind::kHangup);
  EXPECT_EQ(stored_call(out.call.at("id").as_string()).at("endedReason"),
            "call-start-error-neither-assistant-nor-server-set");
  EXPECT_TRUE(deliveries_.enqueued().empty());  // no server to tell
}

TEST_F(InboundCallsTest, AnUnknownNumberOrABadSignatureIsNotRouted) {
  auto unknown = ring();
  EXPECT_EQ(settled(unknown).status, RingOutcome::Status::kUnknownNumber);
  number(R"(,"assistantId":"a1")");
  auto forged = ring(false);
  EXPECT_EQ(settled(forged).status, RingOutcome::Status::kForbidden);
  EXPECT_TRUE(deliveries_.enqueued().empty());
}

TEST_F(InboundCallsTest, TheProvidersFinalStatusEndsTheCallOnce) {
  number(R"(,"assistantId":"a1")");
  auto ringing = ring();
  const auto id = std::string(settled(ringing).call.at("id").as_string());
  EXPECT_EQ(provider_status("in-progress"), StatusOutcome::Status::kUnchanged);
  clock_.advance(90s);
  EXPECT_EQ(provider_status("completed"), StatusOutcome::Status::kUpdated);
  const auto call = stored_call(id);
  EXPECT_EQ(call.at("status"), "ended");
  EXPECT_EQ(call.at("endedReason"), "customer-ended-call");
  EXPECT_EQ(call.at("endedAt"), "2023-11-14T22:14:50.000Z");
  auto sent = deliveries_.enqueued();
  ASSERT_EQ(sent.size(), 3u);  // in-progress, then ended and its report
  EXPECT_EQ(sent[1].message.at("status"), "ended");
  EXPECT_EQ(sent[2].message.at("type"), "end-of-call-report");
  EXPECT_EQ(sent[2].message.at("timestamp").to_number<EpochMs>(), kStart + 90'000);
  // A late callback changes nothing; a call the number never had is unknown.
  EXPECT_EQ(provider_status("busy"), StatusOutcome::Status::kUnchanged);
  EXPECT_EQ(stored_call(id).at("endedReason"), "customer-ended-call");
  EXPECT_EQ(provider_status("completed", "CA-other"), StatusOutcome::Status::kUnknownCall);
  EXPECT_EQ(deliveries_.enqueued().size(), 3u);
}

}  // namespace
}  // namespace sb::telephony

namespace sb::telephony {
namespace {

// A SIP INVITE to a vapi number finds it by its sipUri's user (a key of the whole server),
// stores the call as a SIP one with the caller's URI, and the INVITE's X- headers become
// template variables behind the ones the routing set.
TEST_F(InboundCallsTest, ASipRingFindsTheVapiNumberByItsSipUserWithTheCallersVariables) {
  store_->write_sync([&](storage::Session& s) {
    service_.create(s, numbers_, "org-a",
                    obj(R"({"provider":"vapi","sipUri":"sip:Front-Desk@sip.example.test",
                            "assistantId":"a1"})"));
  });
  InboundRing ring;
  ring.info = {"vapi", "call-1@host", "", "sip", "sip:bob@10.0.0.5:5062"};
  ring.to_number = "front-desk";
  ring.lookups = {{"sipUser", "front-desk", "vapi"}};
  ring.variables = obj(R"({"first_name":"John"})");
  ring.live_stream = true;
  std::promise<RingOutcome> promise;
  auto future = promise.get_future();
  calls_.ring(
      std::move(ring), [](const CandidateNumber&) { return true; },
      [&](RingOutcome out) { promise.set_value(std::move(out)); });
  auto out = settled(future);
  ASSERT_EQ(out.status, RingOutcome::Status::kRouted);
  const auto call = stored_call(out.call.at("id").as_string());
  EXPECT_EQ(call.at("phoneCallTransport"), "sip");
  EXPECT_EQ(call.at("phoneCallProvider"), "vapi");
  EXPECT_EQ(call.at("customer"), obj(R"({"sipUri":"sip:bob@10.0.0.5:5062"})"));
  EXPECT_EQ(call.at("assistantOverrides"), obj(R"({"variableValues":{"first_name":"John"}})"));
  // The live call sends the first status-update itself.
  EXPECT_TRUE(deliveries_.enqueued().empty());
}

TEST_F(InboundCallsTest, ASipRingNobodyHasIsUnknownAndOneTheVerifierRefusesIsForbidden) {
  number(R"(,"assistantId":"a1")");
  for (bool admitted : {false, true}) {
    InboundRing ring;
    ring.info = {"vapi", "call-2@host", "", "sip", "sip:trunk@10.0.0.9"};
    ring.lookups = {{"sipUser", "nobody", "vapi"}, {"number", std::string(kNumber), "twilio"}};
    std::promise<RingOutcome> promise;
    auto future = promise.get_future();
    calls_.ring(
        std::move(ring), [admitted](const CandidateNumber&) { return admitted; },
        [&](RingOutcome out) { promise.set_value(std::move(out)); });
    EXPECT_EQ(settled(future).status,
              admitted ? RingOutcome::Status::kRouted : RingOutcome::Status::kForbidden);
  }
  InboundRing ring;
  ring.lookups = {{"sipUser", "nobody", "vapi"}};
  std::promise<RingOutcome> promise;
  auto future = promise.get_future();
  calls_.ring(
      std::move(ring), [](const CandidateNumber&) { return true; },
      [&](RingOutcome out) { promise.set_value(std::move(out)); });
  EXPECT_EQ(settled(future).status, RingOutcome::Status::kUnknownNumber);
}

}  // namespace
}  // namespace sb::telephony
