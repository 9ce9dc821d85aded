// What a phone call's provider reports before the call's media connects (its call id, ringing,
// why it failed): the document changes on the call's strand like every other change.

#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "domain/calls/inbound_call.hpp"
#include "runtime/voice/live_call_impl.hpp"

namespace sb::voice {
namespace json = boost::json;

void LiveCallImpl::progress(json::object fields, std::string status) {
  on_strand([fields = std::move(fields), status = std::move(status)](LiveCallImpl& c) {
    if (c.ended_flag_.load()) return;
    const bool rings = !status.empty() && string_at(c.call_, "status") == "queued";
    if (fields.empty() && !rings) return;
    const auto now = c.wall_ms();
    {
      std::lock_guard lock(c.snapshot_mutex_);
      for (const auto& [key, value] : fields) c.call_[key] = value;
      if (rings) c.call_["status"] = status;
      c.call_["updatedAt"] = format_iso8601(now);
    }
    std::optional<json::object> update;
    if (rings && c.wants_server("status-update"))
      update = calls::status_update_message(c.call_, c.phone_number_, now);
    c.sink_->status_changed(c.call_, std::move(update));
  });
}

}  // namespace sb::voice
