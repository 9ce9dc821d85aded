// OutboundCalls' part for calls scheduled for later: dialling a stored scheduled call at its
// time (ScheduledCalls hands it here), with its number and assistant as they are then.

#include <spdlog/spdlog.h>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "core/text.hpp"
#include "runtime/voice/live_calls.hpp"
#include "runtime/voice/outbound_calls.hpp"
#include "runtime/voice/scheduled_calls.hpp"

namespace sb::voice {
namespace json = boost::json;

namespace {

// The error's code (kInternal for one that is not an ApiError) and its text.
std::pair<ErrorCode, std::string> describe(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const ApiError& e) {
    return {e.code(), e.what()};
  } catch (const std::exception& e) {
    return {ErrorCode::kInternal, e.what()};
  } catch (...) {
    return {ErrorCode::kInternal, "unknown error"};
  }
}

}  // namespace

void OutboundCalls::dial_stored(const json::object& call, std::function<void(bool again)> done) {
  const std::string org(string_at(call, "orgId"));
  const std::string id(string_at(call, "id"));
  // Ends the call, unless something else has taken it from scheduled meanwhile.
  auto end = [this, org, id, done](const std::string& reason, const std::string& why) {
    spdlog::warn("call {}: not dialled at its scheduled time: {}", id, why);
    deps_.calls.end_stored(org, id, reason, "scheduled");
    done(false);
  };
  auto dial = [this, call, org, id, end, done](std::exception_ptr error, DialingNumber number) {
    if (!error) {
      try {
        const auto* carrier = deps_.carriers.find(string_at(number.number, "provider"));
        if (!carrier)
          throw ApiError(ErrorCode::kNotImplemented, "its number's carrier cannot dial out");
        carrier->check(number);
      } catch (...) {
        error = std::current_exception();
      }
    }
    if (error) return end("call.start.error-get-phone-number", describe(error).second);
    auto went = [id, end, done](std::exception_ptr error, json::object) {
      if (!error) return done(false);
      const auto [code, why] = describe(error);
      switch (code) {
        case ErrorCode::kConflict:  // deleted, or claimed already: not ours to dial
          spdlog::info("call {}: not dialled: {}", id, why);
          return done(false);
        case ErrorCode::kTooManyRequests:
        case ErrorCode::kServiceUnavailable:
          return done(true);
        case ErrorCode::kNotFound:
          return end("call.start.error-get-assistant", why);
        default:
          return end("assistant-not-valid", why);
      }
    };
    create_one(org, call, std::make_shared<const DialingNumber>(std::move(number)), std::move(went),
               id);
  };
  if (call.contains("phoneNumberId"))
    return deps_.carriers.load_number(org, ascii_lower(string_at(call, "phoneNumberId")),
                                      std::move(dial));
  // A transient number: the one stored sealed with the call (none once another instance has
  // claimed it, whose end then finds it no longer scheduled).
  deps_.scheduled->secrets_of(
      org, id, [id, done, dial = std::move(dial)](std::exception_ptr error, json::object secrets) {
        if (error && describe(error).first == ErrorCode::kNotFound) {
          spdlog::info("call {}: not dialled: deleted", id);
          return done(false);
        }
        DialingNumber number;
        if (const auto* stored = object_at(secrets, kTransientSecret))
          number.number = *stored;
        else if (!error)
          error = std::make_exception_ptr(
              ApiError(ErrorCode::kNotFound, "its transient phoneNumber's credentials are gone"));
        dial(error, std::move(number));
      });
}

}  // namespace sb::voice
