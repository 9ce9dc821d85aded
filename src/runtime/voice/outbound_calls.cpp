#include "runtime/voice/outbound_calls.hpp"

#include <atomic>

#include <spdlog/spdlog.h>

#include <boost/json/array.hpp>

#include "core/api_error.hpp"
#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "core/text.hpp"
#include "domain/calls/outbound_call.hpp"
#include "domain/calls/schedule_plan.hpp"
#include "domain/calls/websocket_call.hpp"
#include "runtime/voice/live_calls.hpp"
#include "runtime/voice/scheduled_calls.hpp"

namespace sb::voice {
namespace json = boost::json;

namespace {

// How long a dialled call's entry outlives its end when Twilio never reports it.
constexpr std::chrono::minutes kForgetAfter{10};

std::exception_ptr not_implemented(std::string_view provider) {
  return std::make_exception_ptr(ApiError(
      ErrorCode::kNotImplemented,
      "Dialling out through " + std::string(provider.empty() ? "this" : provider) +
          " numbers is not supported by this server yet; twilio, vonage and telnyx numbers, "
          "and SIP numbers (vapi, byo-phone-number), can call out"));
}

std::string error_text(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

}  // namespace

OutboundCalls::OutboundCalls(OutboundCallsDeps deps) : deps_(std::move(deps)) {}

std::vector<std::string> OutboundCalls::providers() const {
  return deps_.carriers.providers();
}

void OutboundCalls::create(std::string org_id, json::object body, Done done) {
  try {
    calls::check_outbound_call(body);
  } catch (...) {
    return done(std::current_exception(), {});
  }
  if (body.contains("schedulePlan")) {
    // Dialling at once a call asked for later would be worse than not dialling it.
    if (!deps_.scheduled)
      return done(std::make_exception_ptr(
                      ApiError(ErrorCode::kNotImplemented,
                               "schedulePlan is not supported by this server's configuration")),
                  {});
    try {
      calls::check_schedule_plan(body, deps_.clock.wall_ms());
    } catch (...) {
      return done(std::current_exception(), {});
    }
  }
  forget_stale();
  if (const auto* transient = object_at(body, "phoneNumber")) {
    const auto provider = calls::transient_provider(body);
    auto* carrier = deps_.carriers.find(provider);
    if (!carrier) return done(not_implemented(provider), {});
    // The contract takes Twilio's transient numbers only (ImportTwilioPhoneNumberDTO).
    DialingNumber number{*transient, {}};
    number.number["number"] = calls::transient_number(body);
    number.number["provider"] = provider;
    return create_for_number(org_id, std::move(body), std::move(number), std::move(done));
  }
  auto number_id = ascii_lower(string_at(body, "phoneNumberId"));
  deps_.carriers.load_number(org_id, std::move(number_id),
                             [this, org_id, body = std::move(body), done = std::move(done)](
                                 std::exception_ptr error, DialingNumber number) mutable {
                               if (error) return done(error, {});
                               create_for_number(org_id, std::move(body), std::move(number),
                                                 std::move(done));
                             });
}

void OutboundCalls::create_for_number(const std::string& org_id, json::object body,
                                      DialingNumber number, Done done) {
  const std::string provider(string_at(number.number, "provider"));
  const auto* carrier = deps_.carriers.find(provider);
  if (!carrier) return done(not_implemented(provider), {});
  try {
    carrier->check(number);
  } catch (...) {
    return done(std::current_exception(), {});
  }
  auto shared = std::make_shared<const DialingNumber>(std::move(number));
  if (!body.contains("customers")) return create_one(org_id, std::move(body), shared, done);
  // A batch: one call per customer, answered once every one is stored or refused.
  auto requests = calls::requests_per_customer(body);
  struct Batch {
    std::mutex mutex;
    json::array results, errors;
    std::atomic<std::size_t> left;
    Done done;
  };
  auto batch = std::make_shared<Batch>();
  batch->left = requests.size();
  batch->done = std::move(done);
  for (auto& request : requests) {
    const auto customer = request.at("customer");
    auto one = [batch, customer](std::exception_ptr error, json::object call) {
      {
        std::lock_guard lock(batch->mutex);
        if (error)
          batch->errors.push_back(
              json::object{{"customer", customer}, {"error", error_text(error)}});
        else
          batch->results.push_back(std::move(call));
      }
      if (--batch->left == 0)
        batch->done(nullptr,
                    calls::batch_response(std::move(batch->results), std::move(batch->errors)));
    };
    try {
      calls::check_outbound_call(request);
    } catch (...) {
      one(std::current_exception(), {});
      continue;
    }
    create_one(org_id, std::move(request), shared, one);
  }
}

void OutboundCalls::create_one(const std::string& org_id, json::object body,
                               std::shared_ptr<const DialingNumber> number, Done done,
                               std::string stored_id) {
  auto* carrier = deps_.carriers.find(string_at(number->number, "provider"));
  try {
    if (const auto* customer = object_at(body, "customer"))
      carrier->check_customer(*number, *customer);
  } catch (...) {
    return done(std::current_exception(), {});
  }
  if (stored_id.empty() && deps_.scheduled &&
      calls::scheduled_for_later(body, deps_.clock.wall_ms())) {
    auto call = calls::new_scheduled_call(new_uuid(), org_id, body, carrier->call_provider(),
                                          deps_.clock.wall_ms());
    call["phoneCallTransport"] = carrier->call_transport();
    // A transient number is dialled at the call's time with its credentials, kept sealed.
    json::object secrets;
    if (body.contains("phoneNumber")) secrets[kTransientSecret] = number->number;
    return deps_.scheduled->schedule(std::move(call), std::move(secrets), std::move(done));
  }
  auto secret = random_hex(16);
  auto check = carrier->stream_check(*number, secret);
  auto build = [&clock = deps_.clock, provider = std::string(carrier->call_provider()),
                transport = std::string(carrier->call_transport())](
                   const std::string& id, const std::string& org, const json::object& request) {
    auto call = calls::new_outbound_call(id, org, request, provider, clock.wall_ms());
    call["phoneCallTransport"] = transport;
    if (const auto* plan = request.if_contains("schedulePlan")) call["schedulePlan"] = *plan;
    return call;
  };
  // The new call, or the stored scheduled call `stored_id`, goes live.
  auto create_or_resume_stored = [this, &stored_id](const std::string& org, json::object request,
                                                    LiveCalls::Build build,
                                                    LiveCalls::ConnectCheck check, Done live) {
    if (stored_id.empty())
      return deps_.calls.create_with(org, std::move(request), std::move(build), std::move(check),
                                     std::move(live));
    deps_.calls.resume_with(org, std::move(stored_id), "scheduled", std::move(build),
                            std::move(check), std::move(live));
  };
  // The ring's length: the request's dialTimeout, within what the registry waits for media.
  auto ring = deps_.ring_timeout;
  if (const auto asked = calls::requested_dial_timeout(body))
    ring = ring.count() > 0 ? std::min(ring, std::chrono::seconds(*asked))
                            : std::chrono::seconds(*asked);
  create_or_resume_stored(org_id, std::move(body), std::move(build), std::move(check),
                          [this, carrier, number, secret, ring, done = std::move(done)](
                              std::exception_ptr error, json::object call) {
                            if (error) return done(error, {});
                            const std::string id(string_at(call, "id"));
                            {
                              std::lock_guard lock(mutex_);
                              dialled_[id] =
                                  Dialled{carrier, number, deps_.calls.voicemail_plan(id), "",
                                          deps_.clock.steady_now()};
                            }
                            deps_.calls.when_ended(id, [this, id](const json::object& ended) {
                              // A transferred call goes on at the carrier, with the person it was
                              // transferred to.
                              if (string_at(ended, "endedReason") == "assistant-forwarded-call")
                                return forget(id);
                              ended_here(id);
                            });
                            done(nullptr, call);
                            dial(id, call, secret, ring);
                          });
}

void OutboundCalls::dial(const std::string& id, const json::object& call, const std::string& secret,
                         std::chrono::seconds ring) {
  Dialled dialled;
  {
    std::lock_guard lock(mutex_);
    const auto it = dialled_.find(id);
    if (it == dialled_.end()) return;
    dialled = it->second;
  }
  auto& carrier = *dialled.carrier;
  const auto public_url = deps_.public_url();
  telephony::OutboundDial order;
  order.call_id = id;
  order.from = std::string(string_at(dialled.number->number, "number"));
  if (const auto* customer = object_at(call, "customer")) {
    order.to = std::string(string_at(*customer, "number"));
    order.to_uri = std::string(string_at(*customer, "sipUri"));
  }
  order.stream_url = carrier.stream_url(calls::websocket_base_url(public_url), id, secret);
  order.status_callback =
      public_url + "/" + std::string(carrier.provider()) + "/outbound_status/" + id;
  order.ring_seconds = static_cast<int>(ring.count());
  // The carrier's answering machine detection, for an assistant that asks for it.
  if (const auto& plan = dialled.voicemail)
    order.machine_detection = telephony::MachineDetection{
        public_url + "/" + std::string(carrier.provider()) + "/amd_status/" + id,
        plan->timeout_seconds, plan->speech_threshold_ms, plan->speech_end_threshold_ms,
        plan->silence_timeout_ms};
  carrier.dial(
      *dialled.number, order,
      [this, id, reason = std::string(carrier.dial_failed_reason()), shown = carrier.calls_back()](
          std::string sid, std::string error) {
        if (!sid.empty()) {
          bool hang_up = false;
          {
            std::lock_guard lock(mutex_);
            if (const auto it = dialled_.find(id); it != dialled_.end()) {
              it->second.sid = sid;
              hang_up = it->second.ended_here;  // ended before the carrier answered the dial
            }
          }
          if (hang_up) ended_here(id);
          // A carrier that reports in-process names the call's id through DialEvents.
          if (shown) deps_.calls.progress(id, json::object{{"phoneCallProviderId", sid}}, "");
          return;
        }
        spdlog::warn("call {}: {}", id, error);
        {
          std::lock_guard lock(mutex_);
          dialled_.erase(id);
        }
        deps_.calls.progress(id, json::object{{"endedMessage", error}}, "");
        deps_.calls.end(id, reason);
      },
      DialEvents{[this, id](const CarrierReport& report) { reported(id, report); },
                 [this, id, secret]() -> std::shared_ptr<LiveCall> {
                   // The handshake the call's check takes: its own token.
                   http::Request own;
                   own.query.emplace_back("token", secret);
                   auto [claim, live] = deps_.calls.claim(id, own);
                   return claim == LiveCalls::Claim::kClaimed ? live : nullptr;
                 }});
}

void OutboundCalls::reported(const std::string& id, const CarrierReport& report) {
  json::object fields;
  if (!report.sid.empty()) fields["phoneCallProviderId"] = report.sid;
  if (report.status == "ringing" || !fields.empty())
    deps_.calls.progress(id, std::move(fields), report.status == "ringing" ? report.status : "");
  if (report.ended_reason.empty()) return;
  {
    std::lock_guard lock(mutex_);
    dialled_.erase(id);
  }
  deps_.calls.end(id, report.ended_reason);
}

OutboundCalls::StatusOutcome OutboundCalls::callback_from(
    std::string_view provider, std::string_view call_id, const http::Request& request,
    const std::string& url, const http::Fields& params, Dialled& dialled) {
  {
    std::lock_guard lock(mutex_);
    const auto it = dialled_.find(call_id);
    if (it == dialled_.end() || it->second.carrier->provider() != provider)
      return StatusOutcome::kUnknownCall;
    dialled = it->second;
  }
  return dialled.carrier->status_authentic(*dialled.number, request, url, params)
             ? StatusOutcome::kAccepted
             : StatusOutcome::kForbidden;
}

OutboundCalls::StatusOutcome OutboundCalls::carrier_status(std::string_view provider,
                                                           std::string_view call_id,
                                                           const http::Request& request,
                                                           const std::string& url,
                                                           const http::Fields& params) {
  const std::string id(call_id);
  Dialled dialled;
  if (const auto outcome = callback_from(provider, id, request, url, params, dialled);
      outcome != StatusOutcome::kAccepted)
    return outcome;
  const auto report = dialled.carrier->report(params);
  // Vonage's machine detection verdicts come with its events.
  if (!report.answered_by.empty()) answered_by(id, dialled, report.answered_by);
  const auto& status = report.status;
  const auto sid = report.sid;
  auto shown = report;
  if (!dialled.sid.empty()) shown.sid.clear();  // the dial's answer named it already
  reported(id, shown);
  if (report.ended_reason.empty() && status == "in-progress") {
    // Answered after the call ended here: the carrier hangs up (once).
    const auto live = deps_.calls.snapshot(id);
    if (!live || string_at(*live, "status") == "ended") {
      {
        std::lock_guard lock(mutex_);
        if (const auto it = dialled_.find(id); it != dialled_.end() && it->second.sid.empty())
          it->second.sid = sid;
      }
      ended_here(id);
    }
  }
  return StatusOutcome::kAccepted;
}

OutboundCalls::StatusOutcome OutboundCalls::machine_detected(std::string_view provider,
                                                             std::string_view call_id,
                                                             const http::Request& request,
                                                             const std::string& url,
                                                             const http::Fields& params) {
  Dialled dialled;
  if (const auto outcome = callback_from(provider, call_id, request, url, params, dialled);
      outcome != StatusOutcome::kAccepted)
    return outcome;
  answered_by(call_id, dialled, dialled.carrier->report(params).answered_by);
  return StatusOutcome::kAccepted;
}

void OutboundCalls::answered_by(std::string_view call_id, const Dialled& dialled,
                                const std::string& verdict) {
  spdlog::info("call {}: answered by {}", call_id, verdict.empty() ? "?" : verdict);
  if (dialled.voicemail && dialled.voicemail->is_voicemail(verdict))
    deps_.calls.voicemail_reached(call_id);
}

void OutboundCalls::forget(const std::string& id) {
  std::lock_guard lock(mutex_);
  dialled_.erase(id);
}

void OutboundCalls::ended_here(const std::string& id) {
  Dialled dialled;
  {
    std::lock_guard lock(mutex_);
    const auto it = dialled_.find(id);
    if (it == dialled_.end()) return;  // the carrier has reported its end, or refused the dial
    auto& entry = it->second;
    entry.ended_here = true;
    // Without a sid yet, the dial's answer hangs up when it names one.
    if (entry.sid.empty() || entry.hung_up) return;
    entry.hung_up = true;
    dialled = entry;
  }
  dialled.carrier->hang_up(*dialled.number, dialled.sid);
}

void OutboundCalls::forget_stale() {
  const auto now = deps_.clock.steady_now();
  std::lock_guard lock(mutex_);
  for (auto it = dialled_.begin(); it != dialled_.end();) {
    if (now - it->second.since > kForgetAfter && !deps_.calls.snapshot(it->first))
      it = dialled_.erase(it);
    else
      ++it;
  }
}

}  // namespace sb::voice
