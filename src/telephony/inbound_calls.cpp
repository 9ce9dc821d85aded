#include "telephony/inbound_calls.hpp"

#include <atomic>

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>

#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "core/text.hpp"
#include "domain/resources/resource_service.hpp"
#include "storage/resource_repository.hpp"
#include "storage/store.hpp"
#include "webhooks/webhooks.hpp"

namespace sb::telephony {
namespace {

namespace json = boost::json;

// The credential a number names (vonage, telnyx), as its document merged with its secrets.
json::object credential_of(storage::Session& s, const InboundCallsDeps& deps,
                           std::string_view org_id, const json::object& number) {
  const auto id = ascii_lower(string_at(number, "credentialId"));
  if (id.empty()) return {};
  auto found = s.resources().find(deps.credentials.kind, org_id, id);
  if (!found) return {};
  auto credential = json::parse(found->document).as_object();
  for (auto& [key, value] : deps.service.secrets_of(s, deps.credentials, org_id, id))
    credential[key] = value;
  return credential;
}

// A stored number as the Verifier sees it: with its secrets and its credential.
CandidateNumber candidate_of(storage::Session& s, const InboundCallsDeps& deps,
                             const storage::ResourceRecord& record, const json::object& number) {
  CandidateNumber candidate{number, {}, {}};
  candidate.secrets = deps.service.secrets_of(s, deps.phone_numbers, record.org_id, record.id);
  candidate.credential = credential_of(s, deps, record.org_id, number);
  return candidate;
}

// Whether an assistant or squad of the org exists (a dangling id counts as unset).
bool exists(storage::Session& s, const InboundCallsDeps& deps, std::string_view org_id,
            std::string_view kind, std::string_view id) {
  const auto& spec = kind == "squad" ? deps.squads : deps.assistants;
  return s.resources().find(spec.kind, org_id, ascii_lower(id)).has_value();
}

// The `server` of the org's assistant `id`, if it exists and has one.
std::optional<json::object> assistant_server_of(storage::Session& s, const InboundCallsDeps& deps,
                                                std::string_view org_id, std::string_view id) {
  if (id.empty()) return std::nullopt;
  auto found = s.resources().find(deps.assistants.kind, org_id, ascii_lower(id));
  if (!found) return std::nullopt;
  const auto assistant = json::parse(found->document).as_object();
  if (const auto* server = object_at(assistant, "server")) return *server;
  return std::nullopt;
}

// A call.ending hook action as what the call gets instead.
Decision decision_from_action(const json::object& action) {
  Decision d;
  if (string_at(action, "type") == "transfer") {
    d.kind = Decision::Kind::kTransfer;
    if (const auto* dest = object_at(action, "destination")) d.destination = *dest;
    d.ended_reason = "call.ending.hook-executed-transfer";
  } else {
    d.kind = Decision::Kind::kSay;
    d.text = std::string(string_at(action, "exact"));
    d.ended_reason = "call.ending.hook-executed-say";
  }
  return d;
}

// The caller's template variables under the choice's assistantOverrides.variableValues,
// behind the ones the routing set.
json::object with_variables(json::object choice, const json::object& variables) {
  if (variables.empty()) return choice;
  auto& overrides = choice["assistantOverrides"];
  if (!overrides.is_object()) overrides = json::object{};
  auto& values = overrides.as_object()["variableValues"];
  if (!values.is_object()) values = json::object{};
  for (const auto& [name, value] : variables)
    if (!values.as_object().contains(name)) values.as_object()[name] = value;
  return choice;
}

}  // namespace

struct InboundCalls::Routing {
  InboundRing ring;
  std::function<void(RingOutcome)> done;
  Clock::SteadyTime started;
  std::string call_id = new_uuid();
  std::string org_id;
  json::object number;
  std::optional<json::object> org_server;
  std::optional<json::object> assistant_server;  // of the assistant taking the call
  std::optional<Decision> decision;
  enum class Step { kHook, kConfigured, kAssistantRequest, kFallback } step = Step::kFallback;

  void fail(RingOutcome::Status status) {
    RingOutcome out;
    out.status = status;
    done(std::move(out));
  }
};

InboundCalls::InboundCalls(InboundCallsDeps deps) : deps_(std::move(deps)) {}

void InboundCalls::ring(InboundRing ring, Verifier verify,
                        std::function<void(RingOutcome)> done) const {
  auto routing = std::make_shared<Routing>();
  routing->ring = std::move(ring);
  routing->done = std::move(done);
  routing->started = deps_.clock.steady_now();
  deps_.store.post_read([this, routing, verify = std::move(verify)](storage::Session& s) {
    guarded(*routing, [&] { find_and_decide(s, routing, verify); });
  });
}

// A storage job's exception would otherwise be swallowed and the provider left waiting.
void InboundCalls::guarded(Routing& routing, const std::function<void()>& step) {
  try {
    step();
  } catch (const std::exception& e) {
    spdlog::error("routing call {} failed: {}", routing.call_id, e.what());
    routing.fail(RingOutcome::Status::kError);
  }
}

void InboundCalls::find_and_decide(storage::Session& s, const std::shared_ptr<Routing>& routing,
                                   const Verifier& verify) const {
  const auto& ring = routing->ring;
  bool any = false;
  auto lookups = ring.lookups;
  if (lookups.empty()) lookups.push_back({"number", ring.to_number, ring.info.provider});
  for (const auto& lookup : lookups) {
    for (auto& record :
         s.resources().find_by_key_in_any_org(deps_.phone_numbers.kind, lookup.key, lookup.value)) {
      auto number = json::parse(record.document).as_object();
      if (string_at(number, "provider") != lookup.provider) continue;
      any = true;
      if (!verify(candidate_of(s, deps_, record, number))) continue;
      routing->org_id = record.org_id;
      routing->number = std::move(number);
      break;
    }
    if (!routing->number.empty()) break;
  }
  if (routing->number.empty()) {
    if (any)
      spdlog::warn("{} call to {}: no matching number admitted it (signature, SIP trunk gateway)",
                   ring.info.provider, ring.to_number);
    return routing->fail(any ? RingOutcome::Status::kForbidden
                             : RingOutcome::Status::kUnknownNumber);
  }
  const auto& org = routing->org_id;
  routing->org_server = deps_.org_server(s, org);
  auto known = [&](std::string_view kind, std::string_view id) {
    return exists(s, deps_, org, kind, id);
  };
  if (auto d = ringing_hook_decision(routing->number, ring.info.caller)) {
    routing->decision = std::move(d);
    routing->step = Routing::Step::kHook;
  } else if (auto d = configured_decision(routing->number, known)) {
    routing->decision = std::move(d);
    routing->step = Routing::Step::kConfigured;
  }
  if (!routing->decision) return ask_server(routing);
  remember_assistant_server(s, *routing);
  finish(routing);
}

void InboundCalls::remember_assistant_server(storage::Session& s, Routing& routing) const {
  if (!routing.decision || routing.decision->kind != Decision::Kind::kAssistant) return;
  const auto& choice = routing.decision->assistant;
  if (const auto* inline_assistant = object_at(choice, "assistant")) {
    if (const auto* server = object_at(*inline_assistant, "server"))
      routing.assistant_server = *server;
    return;
  }
  routing.assistant_server =
      assistant_server_of(s, deps_, routing.org_id, string_at(choice, "assistantId"));
}

void InboundCalls::ask_server(std::shared_ptr<Routing> routing) const {
  auto server = webhooks::pick_server({object_at(routing->number, "server"),
                                       routing->org_server ? &*routing->org_server : nullptr});
  if (!server) {
    routing->decision =
        fallback_decision(routing->number, "call-start-error-neither-assistant-nor-server-set");
    return finish(routing);
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      deps_.clock.steady_now() - routing->started);
  const auto now = deps_.clock.wall_ms();
  const auto call = calls::new_inbound_call(routing->call_id, routing->org_id, routing->number,
                                            routing->ring.info, now);
  deps_.deliveries.request(
      {routing->org_id, std::move(*server)}, assistant_request_message(call, routing->number, now),
      std::max(std::chrono::milliseconds(1), kAssistantRequestBudget - elapsed),
      [this, routing](webhooks::Reply reply) {
        if (!reply.ok)
          spdlog::warn("assistant-request for call {} failed: {}", routing->call_id, reply.error);
        deps_.store.post_read([this, routing, reply = std::move(reply)](storage::Session& s) {
          guarded(*routing, [&] { decide_from_reply(s, routing, reply); });
        });
      });
}

void InboundCalls::decide_from_reply(storage::Session& s, const std::shared_ptr<Routing>& routing,
                                     const webhooks::Reply& reply) const {
  auto known = [&](std::string_view kind, std::string_view id) {
    return exists(s, deps_, routing->org_id, kind, id);
  };
  auto outcome = assistant_request_decision(reply.ok, reply.status, reply.body, known);
  if (outcome.decision) {
    routing->decision = std::move(outcome.decision);
    routing->step = Routing::Step::kAssistantRequest;
  } else {
    routing->decision = fallback_decision(routing->number, outcome.failure_reason);
  }
  remember_assistant_server(s, *routing);
  finish(routing);
}

// Why a call that does not go to an assistant ends at this step.
std::string InboundCalls::ended_reason(const Routing& routing) {
  const auto& d = *routing.decision;
  if (!d.ended_reason.empty()) return d.ended_reason;
  const bool transfer = d.kind == Decision::Kind::kTransfer;
  switch (routing.step) {
    case Routing::Step::kHook:
      return transfer ? "call.ringing.hook-executed-transfer" : "call.ringing.hook-executed-say";
    case Routing::Step::kAssistantRequest:
      return transfer ? "assistant-request-returned-forwarding-phone-number"
                      : "assistant-request-returned-error";
    default:
      return "call-start-error-neither-assistant-nor-server-set";
  }
}

void InboundCalls::finish(std::shared_ptr<Routing> routing) const {
  Decision decision = *routing->decision;
  std::string reason;
  if (decision.kind != Decision::Kind::kAssistant) {
    reason = ended_reason(*routing);
    // A call.ending hook whose filter names this reason takes over what the caller gets.
    const auto actions = ending_hook_actions(routing->number, reason);
    if (!actions.empty()) {
      decision = decision_from_action(actions.front());
      reason = decision.ended_reason;
    }
  }
  auto call = std::make_shared<json::object>();
  deps_.store.post_write(
      [this, routing, decision, reason, call](storage::Session& s) {
        const auto now = deps_.clock.wall_ms();
        *call = calls::new_inbound_call(routing->call_id, routing->org_id, routing->number,
                                        routing->ring.info, now);
        if (decision.kind == Decision::Kind::kAssistant)
          calls::start_with_assistant(
              *call, with_variables(decision.assistant, routing->ring.variables), now);
        else
          calls::end_call(*call, reason, now);
        deps_.service.insert_document(s, deps_.calls, *call);
        if (decision.kind != Decision::Kind::kAssistant || !routing->ring.live_stream)
          send_call_messages(s, routing->org_id, routing->number, routing->assistant_server,
                             routing->org_server, *call, now);
      },
      [routing, decision, call](std::exception_ptr error) {
        if (error) {
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            spdlog::error("storing call {} failed: {}", routing->call_id, e.what());
          }
          return routing->fail(RingOutcome::Status::kError);
        }
        RingOutcome out;
        out.status = RingOutcome::Status::kRouted;
        out.decision = decision;
        out.call = std::move(*call);
        routing->done(std::move(out));
      });
}

// The call's status-update (and, once it has ended, its end-of-call-report), to the server
// by precedence: the assistant taking the call, the number, the org. Stream = the call, so
// they arrive in order.
void InboundCalls::send_call_messages(storage::Session& s, const std::string& org_id,
                                      const json::object& number,
                                      const std::optional<json::object>& assistant_server,
                                      const std::optional<json::object>& org_server,
                                      const json::object& call, std::int64_t now) const {
  auto server =
      webhooks::pick_server({assistant_server ? &*assistant_server : nullptr,
                             object_at(number, "server"), org_server ? &*org_server : nullptr});
  if (!server) return;
  const webhooks::Destination to{org_id, std::move(*server)};
  const std::string stream(string_at(call, "id"));
  deps_.deliveries.enqueue(s, to, stream, calls::status_update_message(call, number, now));
  if (string_at(call, "status") == "ended")
    deps_.deliveries.enqueue(s, to, stream, calls::end_of_call_report(call, number, now));
}

void InboundCalls::provider_status(std::string provider, std::string to_number,
                                   std::string provider_call_id, std::string status,
                                   Verifier verify, std::function<void(StatusOutcome)> done) const {
  auto outcome = std::make_shared<StatusOutcome>();
  // `done` runs once the write has committed and, when a live call ends itself, once its end
  // is stored too: a read after the answer shows the call ended.
  auto waits = std::make_shared<std::atomic<int>>(1);
  auto finish = std::make_shared<std::function<void()>>([outcome, waits, done = std::move(done)] {
    if (--*waits == 0) done(*outcome);
  });
  deps_.store.post_write(
      [=, this, verify = std::move(verify)](storage::Session& s) {
        const auto reason = calls::ended_reason_for_provider_status(status);
        bool any = false;
        for (auto& record :
             s.resources().find_by_key_in_any_org(deps_.phone_numbers.kind, "number", to_number)) {
          auto number = json::parse(record.document).as_object();
          if (string_at(number, "provider") != provider) continue;
          any = true;
          if (!verify(candidate_of(s, deps_, record, number))) continue;
          outcome->status = StatusOutcome::Status::kUnknownCall;
          auto call = find_call(s, record.org_id, record.id, provider_call_id);
          if (!call) return;
          outcome->status = StatusOutcome::Status::kUnchanged;
          const auto now = deps_.clock.wall_ms();
          if (reason.empty() || string_at(*call, "status") == "ended") return;
          outcome->status = StatusOutcome::Status::kUpdated;
          // A live call ends itself (one report, with what was said); the rest end here.
          if (deps_.end_live_call) {
            ++*waits;
            if (deps_.end_live_call(string_at(*call, "id"), reason, [finish] { (*finish)(); }))
              return;
            --*waits;
          }
          calls::end_call(*call, reason, now);
          deps_.service.replace_document(s, deps_.calls, *call);
          const auto assistant_server =
              assistant_server_of(s, deps_, record.org_id, string_at(*call, "assistantId"));
          send_call_messages(s, record.org_id, number, assistant_server,
                             deps_.org_server(s, record.org_id), *call, now);
          return;
        }
        outcome->status =
            any ? StatusOutcome::Status::kForbidden : StatusOutcome::Status::kUnknownCall;
      },
      [outcome, finish](std::exception_ptr error) {
        if (error) outcome->status = StatusOutcome::Status::kUnknownCall;
        (*finish)();
      });
}

void InboundCalls::call_id_of(std::string provider, std::string to_number,
                              std::string provider_call_id,
                              std::function<void(std::string)> done) const {
  deps_.store.post_read([=, this, done = std::move(done)](storage::Session& s) {
    std::string id;
    try {
      for (auto& record :
           s.resources().find_by_key_in_any_org(deps_.phone_numbers.kind, "number", to_number)) {
        if (string_at(json::parse(record.document).as_object(), "provider") != provider) continue;
        if (auto call = find_call(s, record.org_id, record.id, provider_call_id)) {
          id = string_at(*call, "id");
          break;
        }
      }
    } catch (const std::exception&) {
      id.clear();  // answered here then, as without another instance
    }
    done(std::move(id));
  });
}

// The org's call that the provider knows as `provider_call_id` on this number.
std::optional<json::object> InboundCalls::find_call(storage::Session& s, const std::string& org_id,
                                                    const std::string& number_id,
                                                    const std::string& provider_call_id) const {
  storage::ResourceQuery query;
  query.limit = 1;
  query.fields.push_back({"phoneCallProviderId",
                          storage::FieldFilter::Op::kEquals,
                          storage::FieldFilter::Type::kText,
                          {provider_call_id}});
  query.fields.push_back({"phoneNumberId",
                          storage::FieldFilter::Op::kEquals,
                          storage::FieldFilter::Type::kText,
                          {number_id}});
  auto page = s.resources().list(deps_.calls.kind, org_id, query);
  if (page.documents.empty()) return std::nullopt;
  return json::parse(page.documents.front()).as_object();
}

}  // namespace sb::telephony
