// The registry's calls that are not live here: the journal of live calls a killed process
// leaves behind, and stored calls ended (and reported) without a LiveCall.

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>

#include "core/json_fields.hpp"
#include "domain/calls/inbound_call.hpp"
#include "domain/resources/resource_service.hpp"
#include "runtime/voice/live_calls.hpp"
#include "storage/instance_repository.hpp"
#include "storage/store.hpp"
#include "webhooks/webhooks.hpp"

namespace sb::voice {
namespace json = boost::json;
namespace fs = std::filesystem;

void LiveCalls::journal_add(const std::string& org_id, const std::string& id) const {
  if (deps_.journal_dir.empty()) return;
  std::ofstream(fs::path(deps_.journal_dir) / id) << org_id;
}

void LiveCalls::journal_remove(const std::string& id) const {
  if (deps_.journal_dir.empty()) return;
  std::error_code ignored;
  fs::remove(fs::path(deps_.journal_dir) / id, ignored);
}

// The assistant a stored call ran (by id, or inline): where its messages go and which it wants.
json::object LiveCalls::stored_assistant(storage::Session& s, const std::string& org,
                                         const json::object& call) const {
  if (const auto id = string_at(call, "assistantId"); !id.empty()) {
    try {
      return deps_.service.load(s, deps_.resolver.assistants, org, id);
    } catch (const std::exception&) {
      return {};  // deleted since: the org's server and the default messages
    }
  }
  if (const auto* inline_assistant = object_at(call, "assistant")) return *inline_assistant;
  return {};
}

json::object LiveCalls::stored_number(storage::Session& s, const std::string& org,
                                      const json::object& call) const {
  const auto id = string_at(call, "phoneNumberId");
  if (id.empty() || !deps_.phone_numbers) return {};
  try {
    return deps_.service.load(s, *deps_.phone_numbers, org, id);
  } catch (const std::exception&) {
    return {};  // deleted since
  }
}

void LiveCalls::end_stored(const std::string& org, const std::string& id,
                           const std::string& ended_reason, std::string only_status) {
  deps_.store.post_write(
      [this, org, id, ended_reason, only_status = std::move(only_status)](storage::Session& s) {
        end_stored_in(s, org, id, ended_reason, only_status);
      },
      [this, id](std::exception_ptr error) {
        if (error) spdlog::warn("call {}: could not be ended", id);
        journal_remove(id);
      });
}

bool LiveCalls::end_stored_in(storage::Session& s, const std::string& org, const std::string& id,
                              const std::string& ended_reason,
                              const std::string& only_status) const {
  auto call = deps_.service.load(s, deps_.calls, org, id);
  const auto status = string_at(call, "status");
  if (!only_status.empty() && status != only_status) return false;
  // A journal naming a scheduled call is a claim that never committed: it was not dialled,
  // and stays scheduled.
  if (status == "scheduled" && only_status != "scheduled") return false;
  const auto now = deps_.clock.wall_ms();
  if (!calls::end_call(call, ended_reason, now)) return false;
  deps_.service.replace_document(s, deps_.calls, call);
  if (!deps_.instance_id.empty()) s.instances().disown_call(id);
  send_stored_status(s, org, call, now);
  return true;
}

// A stored call's status-update (and its report once it has ended), to its server by the
// routing's precedence, as its assistant's serverMessages ask.
void LiveCalls::send_stored_status(storage::Session& s, const std::string& org,
                                   const json::object& call, std::int64_t now) const {
  const auto assistant = stored_assistant(s, org, call);
  const auto number = stored_number(s, org, call);
  auto org_server = deps_.org_server(s, org);
  auto server = webhooks::pick_server({object_at(assistant, "server"), object_at(number, "server"),
                                       org_server ? &*org_server : nullptr});
  if (!server) return;
  const webhooks::Destination to{org, std::move(*server)};
  const std::string id(string_at(call, "id"));
  if (wants_server_message(assistant, "status-update"))
    deps_.deliveries.enqueue(s, to, id, calls::status_update_message(call, number, now));
  if (string_at(call, "status") == "ended" && wants_server_message(assistant, "end-of-call-report"))
    deps_.deliveries.enqueue(s, to, id, calls::end_of_call_report(call, number, now));
}

void LiveCalls::recover(const std::string& ended_reason) {
  if (deps_.journal_dir.empty()) return;
  std::vector<std::pair<std::string, std::string>> left;  // org, id
  for (const auto& entry : fs::directory_iterator(deps_.journal_dir)) {
    std::ifstream in(entry.path());
    std::string org;
    std::getline(in, org);
    left.emplace_back(org, entry.path().filename().string());
  }
  for (const auto& [org, id] : left) end_stored(org, id, ended_reason);
  if (!left.empty())
    spdlog::info("ending {} call(s) the last run left live: {}", left.size(), ended_reason);
}

}  // namespace sb::voice
