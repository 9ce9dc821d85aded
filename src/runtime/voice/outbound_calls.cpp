#include "runtime/voice/outbound_calls.hpp"

#include <atomic>

#include <spdlog/spdlog.h>

#include <boost/json/array.hpp>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "core/text.hpp"
#include "domain/calls/outbound_call.hpp"
#include "domain/calls/websocket_call.hpp"
#include "domain/resources/resource_service.hpp"
#include "runtime/voice/live_calls.hpp"
#include "storage/store.hpp"
#include "telephony/signatures.hpp"
#include "telephony/twilio_outbound.hpp"

namespace sb::voice {
namespace json = boost::json;

namespace {

// How long a dialled call's entry outlives its end when Twilio never reports it.
constexpr std::chrono::minutes kForgetAfter{10};

std::exception_ptr not_implemented(std::string_view provider) {
  return std::make_exception_ptr(
      ApiError(ErrorCode::kNotImplemented,
               "Dialling out through " + std::string(provider.empty() ? "this" : provider) +
                   " numbers is not supported by this server yet; twilio numbers can call out"));
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

std::string_view field(const http::Fields& fields, std::string_view name) {
  for (const auto& [k, v] : fields)
    if (k == name) return v;
  return {};
}

}  // namespace

OutboundCalls::OutboundCalls(OutboundCallsDeps deps) : deps_(std::move(deps)) {}

void OutboundCalls::create(std::string org_id, json::object body, Done done) {
  try {
    calls::check_outbound_call(body);
  } catch (...) {
    return done(std::current_exception(), {});
  }
  // Dialling at once a call asked for later would be worse than not dialling it.
  if (body.contains("schedulePlan"))
    return done(std::make_exception_ptr(ApiError(
                    ErrorCode::kNotImplemented,
                    "schedulePlan is not supported by this server yet: it dials a call at once")),
                {});
  forget_stale();
  if (const auto* transient = object_at(body, "phoneNumber")) {
    const auto provider = calls::transient_provider(body);
    if (provider != "twilio") return done(not_implemented(provider), {});
    auto number = *transient;
    number["number"] = calls::transient_number(body);
    return create_for_number(org_id, std::move(body), std::move(number), std::move(done));
  }
  deps_.store.post_read(
      [this, org_id, body = std::move(body), done = std::move(done)](storage::Session& s) mutable {
        json::object number;
        try {
          const auto id = ascii_lower(string_at(body, "phoneNumberId"));
          number = deps_.service.load(s, deps_.phone_numbers, org_id, id);
          for (auto& [key, value] : deps_.service.secrets_of(s, deps_.phone_numbers, org_id, id))
            number[key] = value;
        } catch (...) {
          return done(std::current_exception(), {});
        }
        const std::string provider(string_at(number, "provider"));
        if (provider != "twilio") return done(not_implemented(provider), {});
        create_for_number(org_id, std::move(body), std::move(number), std::move(done));
      });
}

void OutboundCalls::create_for_number(const std::string& org_id, json::object body,
                                      json::object number, Done done) {
  // Twilio signs the call's media stream and status callbacks with the account's auth token:
  // without it neither could be told from a forgery (an API key alone dials, nothing more).
  if (string_at(number, "twilioAuthToken").empty() || string_at(number, "twilioAccountSid").empty())
    return done(std::make_exception_ptr(ApiError::bad_request(
                    "The number's twilioAccountSid and twilioAuthToken are needed to dial out "
                    "through Twilio: Twilio signs the call's media stream and status callbacks "
                    "with the auth token")),
                {});
  if (!body.contains("customers")) return create_one(org_id, std::move(body), number, done);
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
    create_one(org_id, std::move(request), number, one);
  }
}

void OutboundCalls::create_one(const std::string& org_id, json::object body,
                               const json::object& number, Done done) {
  const auto token = std::string(string_at(number, "twilioAuthToken"));
  // Twilio signs its stream's handshake like its webhooks: the wss URL, no parameters.
  auto check = [token, public_url = deps_.public_url](const http::Request& head) {
    return !token.empty() && telephony::twilio_signature_valid(
                                 token, calls::websocket_base_url(public_url()) + head.target, {},
                                 head.header("x-twilio-signature"));
  };
  auto build = [&clock = deps_.clock](const std::string& id, const std::string& org,
                                      const json::object& request) {
    return calls::new_outbound_call(id, org, request, "twilio", clock.wall_ms());
  };
  deps_.calls.create_with(
      org_id, std::move(body), std::move(build), std::move(check),
      [this, number, done = std::move(done)](std::exception_ptr error, json::object call) {
        if (error) return done(error, {});
        const std::string id(string_at(call, "id"));
        {
          std::lock_guard lock(mutex_);
          dialled_[id] =
              Dialled{std::string(string_at(number, "twilioAuthToken")),
                      telephony::twilio_account_of(number), "", deps_.clock.steady_now()};
        }
        deps_.calls.when_ended(id, [this, id](const json::object& ended) {
          // A transferred call goes on at Twilio, with the person it was transferred to.
          if (string_at(ended, "endedReason") == "assistant-forwarded-call") return forget(id);
          ended_here(id);
        });
        done(nullptr, call);
        dial(id, call, number);
      });
}

void OutboundCalls::dial(const std::string& id, const json::object& call,
                         const json::object& number) {
  const auto public_url = deps_.public_url();
  telephony::TwilioDial request;
  if (const auto* customer = object_at(call, "customer"))
    request.to = std::string(string_at(*customer, "number"));
  request.from = std::string(string_at(number, "number"));
  request.call_id = id;
  request.stream_url = calls::websocket_base_url(public_url) + "/twilio/stream/" + id;
  request.status_callback = public_url + "/twilio/outbound_status/" + id;
  request.ring_seconds = static_cast<int>(deps_.ring_timeout.count());
  telephony::dial_twilio(
      deps_.http, deps_.twilio_api, telephony::twilio_account_of(number), request,
      [this, id](std::string sid, std::string error) {
        if (!sid.empty()) {
          bool hang_up = false;
          {
            std::lock_guard lock(mutex_);
            if (const auto it = dialled_.find(id); it != dialled_.end()) {
              it->second.sid = sid;
              hang_up = it->second.ended_here;  // ended before Twilio answered the dial
            }
          }
          if (hang_up) ended_here(id);
          deps_.calls.progress(id, json::object{{"phoneCallProviderId", sid}}, "");
          return;
        }
        spdlog::warn("call {}: {}", id, error);
        {
          std::lock_guard lock(mutex_);
          dialled_.erase(id);
        }
        deps_.calls.progress(id, json::object{{"endedMessage", error}}, "");
        deps_.calls.end(id, "twilio-failed-to-connect-call");
      });
}

OutboundCalls::StatusOutcome OutboundCalls::twilio_status(std::string_view call_id,
                                                          const std::string& url,
                                                          const http::Fields& params,
                                                          std::string_view signature) {
  const std::string id(call_id);
  Dialled dialled;
  {
    std::lock_guard lock(mutex_);
    const auto it = dialled_.find(id);
    if (it == dialled_.end()) return StatusOutcome::kUnknownCall;
    dialled = it->second;
  }
  const auto account = field(params, "AccountSid");
  if (dialled.auth_token.empty() || (!account.empty() && account != dialled.account.sid) ||
      !telephony::twilio_signature_valid(dialled.auth_token, url, params, signature))
    return StatusOutcome::kForbidden;
  const std::string status(field(params, "CallStatus"));
  const std::string sid(field(params, "CallSid"));
  json::object fields;
  if (!sid.empty() && dialled.sid.empty()) fields["phoneCallProviderId"] = sid;
  if (status == "ringing" || !fields.empty())
    deps_.calls.progress(id, std::move(fields), status == "ringing" ? status : "");
  if (const auto reason = calls::ended_reason_for_outbound_status(status); !reason.empty()) {
    {
      std::lock_guard lock(mutex_);
      dialled_.erase(id);
    }
    deps_.calls.end(id, reason);
  } else if (status == "in-progress") {
    // Answered after the call ended here: Twilio hangs up (once).
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

void OutboundCalls::forget(const std::string& id) {
  std::lock_guard lock(mutex_);
  dialled_.erase(id);
}

void OutboundCalls::ended_here(const std::string& id) {
  telephony::TwilioAccount account;
  std::string sid;
  {
    std::lock_guard lock(mutex_);
    const auto it = dialled_.find(id);
    if (it == dialled_.end()) return;  // Twilio has reported its end, or refused the dial
    auto& dialled = it->second;
    dialled.ended_here = true;
    // Without a sid yet, the dial's answer hangs up when it names one.
    if (dialled.sid.empty() || dialled.hung_up) return;
    dialled.hung_up = true;
    account = dialled.account;
    sid = dialled.sid;
  }
  telephony::hang_up_twilio(deps_.http, deps_.twilio_api, account, sid);
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
