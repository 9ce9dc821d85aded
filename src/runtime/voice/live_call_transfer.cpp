// The transferCall tool on a live call: the destination the model picked (or, for a tool
// without one, the one the server answers `transfer-destination-request` with), its message
// said in the assistant's voice, a `transfer-update`, what its transferPlan needs prepared
// (live_call_warm_transfer.cpp), then the carrier moves the call (call_transfers.hpp) and the
// call ends `assistant-forwarded-call`. A transfer refused (by its plan, or the carrier) leaves
// the call going, the model told why.

#include <spdlog/spdlog.h>

#include "core/json_fields.hpp"
#include "domain/calls/transfer_plan.hpp"
#include "runtime/voice/call_transfers.hpp"
#include "runtime/voice/live_call_impl.hpp"
#include "telephony/render_context.hpp"

namespace sb::voice {
namespace json = boost::json;

namespace {

// Said before the transfer: the destination's message ("" says nothing); without one, the
// docs' default unless the tool speaks its own request-start message.
std::string transfer_announcement(const json::object& tool, const json::object& destination) {
  if (destination.contains("message")) return telephony::transfer_message(destination);
  if (const auto* messages = array_at(tool, "messages"))
    for (const auto& m : *messages)
      if (m.is_object() && string_at(m.get_object(), "type") == "request-start") return "";
  return "Transferring the call now";
}

}  // namespace

// chat::CallControl: runs with the turn's lock held, so it only posts.
std::string LiveCallImpl::transfer(const json::object& tool, const json::object& destination) {
  if (!services_.transfers || !services_.transfers->can_transfer(snapshot()))
    return "Transfers are not available on this call";
  on_strand([tool, destination](LiveCallImpl& c) { c.begin_transfer(tool, destination); });
  return "Transferring the call";
}

void LiveCallImpl::begin_transfer(const json::object& tool, json::object destination) {
  if (!live_ || transferring_) return;
  if (destination.empty()) return ask_transfer_destination(tool);
  transferring_ = true;
  if (auto said = transfer_announcement(tool, destination); !said.empty()) say(said, false);
  pending_transfer_ = std::move(destination);
  if (all_heard(now())) carry_out_transfer();
}

// A transferCall tool without destinations: the server picks one.
void LiveCallImpl::ask_transfer_destination(const json::object& tool) {
  transferring_ = true;
  const auto* server = object_at(tool, "server");
  sink_->ask(base_message("transfer-destination-request"), server, std::chrono::seconds(10),
             [weak = weak_from_this(), tool](std::optional<json::object> reply) {
               auto self = weak.lock();
               if (!self) return;
               self->on_strand([tool, reply = std::move(reply)](LiveCallImpl& c) {
                 c.transferring_ = false;
                 const auto* destination = reply ? object_at(*reply, "destination") : nullptr;
                 if (!destination) {
                   const auto why = reply ? std::string(string_at(*reply, "error")) : "";
                   spdlog::warn("call {}: no transfer destination from the server{}", c.id_,
                                why.empty() ? "" : ": " + why);
                   if (!why.empty() && c.live_) c.say(why, false);
                   return;
                 }
                 auto picked = *destination;
                 if (const auto* m = reply->if_contains("message");
                     m && !picked.contains("message"))
                   picked["message"] = *m;
                 c.begin_transfer(tool, std::move(picked));
               });
             });
}

void LiveCallImpl::carry_out_transfer() {
  auto destination = std::move(*pending_transfer_);
  pending_transfer_.reset();
  if (!live_) return;
  auto plan = calls::TransferPlan::of(destination);
  if (auto refused = services_.transfers->plan_refusal(call_, plan))
    return transfer_failed(std::move(*refused));
  record(calls::events::kTransferInitiated, {{"destinationType", string_at(destination, "type")}});
  auto update = base_message("transfer-update");
  update["destination"] = destination;
  emit(std::move(update));
  prepare_transfer(std::move(destination), std::move(plan));
}

// live_call_warm_transfer.cpp has prepared what the plan needs: the carrier takes it from here.
void LiveCallImpl::hand_transfer_over(std::optional<TransferIntro> intro) {
  auto destination = std::move(preparing_->destination);
  preparing_.reset();
  transfer_sent_ = true;
  json::object type{{"destinationType", string_at(destination, "type")}};
  services_.transfers->transfer(
      call_, destination, std::move(intro), [weak = weak_from_this(), type](std::string error) {
        if (auto self = weak.lock())
          self->on_strand([error = std::move(error), type](LiveCallImpl& c) {
            if (error.empty()) {
              c.record(calls::events::kTransferCompleted, type);
              return c.finish("assistant-forwarded-call");
            }
            c.transfer_sent_ = false;
            c.transfer_failed(error);
          });
      });
}

void LiveCallImpl::transfer_failed(std::string error) {
  spdlog::warn("call {}: the transfer failed: {}", id_, error);
  record(calls::events::kTransferFailed, {{"error", error}});
  transferring_ = false;
  if (!live_) return;
  auto note =
      "The transfer failed (" + error + "). Tell the caller you could not transfer the call.";
  // A round still running (the one after the tool) hears it when it ends.
  if (turn_running_) return system_for_model_.push_back(std::move(note));
  respond(std::move(note));
}

}  // namespace sb::voice
