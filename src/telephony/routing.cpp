#include "telephony/routing.hpp"

#include <algorithm>
#include <utility>

#include <boost/json/array.hpp>

#include "core/json_fields.hpp"
#include "domain/phone_numbers/phone_number_rules.hpp"

namespace sb::telephony {
namespace {

namespace json = boost::json;

constexpr std::string_view kNeitherSet = "call-start-error-neither-assistant-nor-server-set";

std::string_view without_plus(std::string_view number) {
  if (!number.empty() && number.front() == '+') number.remove_prefix(1);
  return number;
}

bool contains_string(const json::array& values, std::string_view wanted) {
  return std::any_of(values.begin(), values.end(), [&](const json::value& v) {
    return v.is_string() && std::string_view(v.get_string()) == wanted;
  });
}

// PhoneNumberCallRingingHookFilter: the caller (without '+') starts with one of the prefixes.
// Prefixes are compared without a '+' too, though the docs ask for none. A filter of another
// type or key matches nothing: a filter we do not understand must not widen a hook.
bool ringing_filter_matches(const json::value& filter, std::string_view caller_digits) {
  if (!filter.is_object()) return false;
  const auto& f = filter.get_object();
  if (string_at(f, "type") != "startsWith" || string_at(f, "key") != "number") {
    return false;
  }
  const auto* prefixes = array_at(f, "startsWith");
  if (!prefixes) return false;
  return std::any_of(prefixes->begin(), prefixes->end(), [&](const json::value& p) {
    if (!p.is_string()) return false;
    const std::string_view prefix = without_plus(p.get_string());
    return caller_digits.substr(0, prefix.size()) == prefix;
  });
}

// PhoneNumberCallEndingHookFilter: the ended reason is one of `oneOf`.
bool ending_filter_matches(const json::value& filter, std::string_view ended_reason) {
  if (!filter.is_object()) return false;
  const auto& f = filter.get_object();
  if (string_at(f, "type") != "oneOf" || string_at(f, "key") != "call.endedReason") {
    return false;
  }
  const auto* reasons = array_at(f, "oneOf");
  return reasons && contains_string(*reasons, ended_reason);
}

// A hook's filters all match (a hook without filters always fires).
template <typename Match>
bool filters_match(const json::object& hook, Match&& match) {
  const auto* filters = array_at(hook, "filters");
  if (!filters) return true;
  return std::all_of(filters->begin(), filters->end(), match);
}

Decision transfer_to(const json::object& destination, std::string ended_reason) {
  Decision d;
  d.kind = Decision::Kind::kTransfer;
  d.destination = destination;
  d.ended_reason = std::move(ended_reason);
  return d;
}

Decision say(std::string text, std::string ended_reason) {
  Decision d;
  d.kind = Decision::Kind::kSay;
  d.text = std::move(text);
  d.ended_reason = std::move(ended_reason);
  return d;
}

Decision assistant_takes(json::object choice) {
  Decision d;
  d.kind = Decision::Kind::kAssistant;
  d.assistant = std::move(choice);
  return d;
}

// The first action of a call.ringing hook as a decision; nullopt when it cannot run.
std::optional<Decision> ringing_action(const json::value& action) {
  if (!action.is_object()) return std::nullopt;
  const auto& a = action.get_object();
  const std::string_view type = string_at(a, "type");
  if (type == "say") {
    const auto* exact = a.if_contains("exact");
    if (!exact || !exact->is_string()) return std::nullopt;
    return say(std::string(exact->get_string()), "call.ringing.hook-executed-say");
  }
  if (type == "transfer") {
    const auto* destination = a.if_contains("destination");
    if (!destination || !is_usable_destination(*destination)) return std::nullopt;
    return transfer_to(destination->get_object(), "call.ringing.hook-executed-transfer");
  }
  return std::nullopt;
}

AssistantRequestOutcome failed(std::string reason) {
  return {std::nullopt, std::move(reason)};
}

// The override object named `key`, when the reply carries one.
void copy_overrides(const json::object& reply, std::string_view key, json::object& choice) {
  const auto* overrides = reply.if_contains(key);
  if (overrides && overrides->is_object()) choice[key] = *overrides;
}

// assistantId / assistant / squadId / squad of an assistant-request reply, in that order.
AssistantRequestOutcome assistant_from_reply(const json::object& reply, const ExistsFn& exists) {
  struct Field {
    std::string_view key, kind, overrides;
    bool by_id;
  };
  static constexpr Field kFields[] = {
      {"assistantId", "assistant", "assistantOverrides", true},
      {"assistant", "assistant", "assistantOverrides", false},
      {"squadId", "squad", "squadOverrides", true},
      {"squad", "squad", "squadOverrides", false},
  };
  for (const auto& field : kFields) {
    const auto* v = reply.if_contains(field.key);
    if (!v || v->is_null()) continue;
    if (field.by_id ? !(v->is_string() && exists(field.kind, v->get_string())) : !v->is_object()) {
      return failed("assistant-request-returned-invalid-assistant");
    }
    json::object choice;
    choice[field.key] = *v;
    copy_overrides(reply, field.overrides, choice);
    return {assistant_takes(std::move(choice)), {}};
  }
  return failed("assistant-request-returned-no-assistant");
}

// A human-readable reason to log with a hang-up.
std::string hangup_text(std::string_view ended_reason) {
  if (ended_reason == kNeitherSet) {
    return "No assistant, squad, server URL or fallback destination is set for this number.";
  }
  if (ended_reason == "assistant-request-failed") {
    return "The assistant-request to the server failed and no fallback destination is set.";
  }
  return "The call could not be routed (" + std::string(ended_reason) +
         ") and no fallback destination is set.";
}

// Removes `path` ("a.b.c") from `o`, if present.
void erase_path(json::object& o, std::string_view path) {
  const auto dot = path.find('.');
  if (dot == std::string_view::npos) {
    o.stable_erase(path);  // keeps the remaining fields in their order
    return;
  }
  auto* child = o.if_contains(path.substr(0, dot));
  if (child && child->is_object()) erase_path(child->get_object(), path.substr(dot + 1));
}

}  // namespace

bool is_usable_destination(const json::value& destination) {
  if (!destination.is_object()) return false;
  const auto& d = destination.get_object();
  const std::string_view type = string_at(d, "type");
  if (type == "number") return !string_at(d, "number").empty();
  if (type == "sip") return !string_at(d, "sipUri").empty();
  return false;
}

std::optional<Decision> ringing_hook_decision(const json::object& phone_number,
                                              std::string_view caller) {
  const auto* hooks = array_at(phone_number, "hooks");
  if (!hooks) return std::nullopt;
  const std::string_view digits = without_plus(caller);
  for (const auto& hook_value : *hooks) {
    if (!hook_value.is_object()) continue;
    const auto& hook = hook_value.get_object();
    if (string_at(hook, "on") != "call.ringing") continue;
    if (!filters_match(hook,
                       [&](const json::value& f) { return ringing_filter_matches(f, digits); })) {
      continue;
    }
    const auto* actions = array_at(hook, "do");
    if (!actions || actions->empty()) continue;
    if (auto decision = ringing_action(actions->front())) return decision;
  }
  return std::nullopt;
}

std::optional<Decision> configured_decision(const json::object& phone_number,
                                            const ExistsFn& exists) {
  if (const auto id = string_at(phone_number, "assistantId");
      !id.empty() && exists("assistant", id)) {
    return assistant_takes(json::object{{"assistantId", id}});
  }
  if (const auto id = string_at(phone_number, "squadId"); !id.empty() && exists("squad", id)) {
    return assistant_takes(json::object{{"squadId", id}});
  }
  return std::nullopt;
}

AssistantRequestOutcome assistant_request_decision(bool ok, int status, const json::value& body,
                                                   const ExistsFn& exists) {
  if (!ok || status < 200 || status > 299) return failed("assistant-request-failed");
  if (body.is_null()) return failed("assistant-request-returned-no-assistant");
  if (!body.is_object()) return failed("assistant-request-returned-invalid-assistant");
  const auto& reply = body.get_object();

  if (const auto* error = reply.if_contains("error"); error && !error->is_null()) {
    const bool speakable =
        error->is_string() && std::string_view(error->get_string()).find_first_not_of(" \t\r\n") !=
                                  std::string_view::npos;
    if (!speakable) return failed("assistant-request-returned-unspeakable-error");
    return {say(std::string(error->get_string()), "assistant-request-returned-error"), {}};
  }
  if (const auto* destination = reply.if_contains("destination");
      destination && !destination->is_null()) {
    if (!is_usable_destination(*destination)) {
      return failed("assistant-request-returned-invalid-assistant");
    }
    return {transfer_to(destination->get_object(),
                        "assistant-request-returned-forwarding-phone-number"),
            {}};
  }
  return assistant_from_reply(reply, exists);
}

Decision fallback_decision(const json::object& phone_number, std::string ended_reason) {
  if (ended_reason.empty()) ended_reason = kNeitherSet;
  if (const auto* destination = phone_number.if_contains("fallbackDestination");
      destination && is_usable_destination(*destination)) {
    return transfer_to(destination->get_object(), std::move(ended_reason));
  }
  Decision d;
  d.kind = Decision::Kind::kHangup;
  d.text = hangup_text(ended_reason);
  d.ended_reason = std::move(ended_reason);
  return d;
}

std::vector<json::object> ending_hook_actions(const json::object& phone_number,
                                              std::string_view ended_reason) {
  std::vector<json::object> actions;
  const auto* hooks = array_at(phone_number, "hooks");
  if (!hooks) return actions;
  for (const auto& hook_value : *hooks) {
    if (!hook_value.is_object()) continue;
    const auto& hook = hook_value.get_object();
    if (string_at(hook, "on") != "call.ending") continue;
    if (!filters_match(
            hook, [&](const json::value& f) { return ending_filter_matches(f, ended_reason); })) {
      continue;
    }
    const auto* todo = hook.if_contains("do");
    if (!todo) continue;
    if (todo->is_object()) {
      actions.push_back(todo->get_object());
    } else if (todo->is_array()) {
      for (const auto& action : todo->get_array()) {
        if (action.is_object()) actions.push_back(action.get_object());
      }
    }
  }
  return actions;
}

json::object assistant_request_message(const json::object& call, const json::object& phone_number,
                                       std::int64_t now_ms) {
  json::object number = phone_number;
  for (const auto& path : phone_numbers::secret_paths()) erase_path(number, path);
  json::object message;
  message["type"] = "assistant-request";
  if (now_ms != 0) message["timestamp"] = now_ms;
  message["call"] = call;
  message["phoneNumber"] = std::move(number);
  if (const auto* customer = call.if_contains("customer"); customer && customer->is_object()) {
    message["customer"] = *customer;
  }
  return message;
}

}  // namespace sb::telephony
