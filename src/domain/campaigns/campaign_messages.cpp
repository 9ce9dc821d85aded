#include "domain/campaigns/campaign_messages.hpp"

#include <algorithm>
#include <string>

#include "core/json_fields.hpp"
#include "domain/campaigns/campaign_spec.hpp"

namespace sb::campaigns {
namespace json = boost::json;

namespace {

// The message type a status change of the campaign makes, "" for none.
std::string campaign_type(std::string_view from, std::string_view to) {
  if (from == to) return "";
  if (to == "in-progress") return "campaign.started";
  if (to == "ended") return "campaign.ended";
  if (to == "cancelled") return "campaign.cancelled";
  if (to == "archived") return "campaign.archived";
  if (from == "archived") return "campaign.unarchived";
  return "";
}

}  // namespace

std::vector<json::object> progress_messages(const json::object& before, const json::object& after) {
  const auto* listed = array_at(after, "serverMessages");
  if (!listed || listed->empty()) return {};
  const auto wanted = [listed](std::string_view type) {
    return std::any_of(listed->begin(), listed->end(), [type](const json::value& v) {
      return v.is_string() && v.get_string() == type;
    });
  };
  json::object summary = after;
  summarize(summary, false);
  std::vector<json::object> out;
  const auto add = [&](std::string type, const json::object* contact) {
    if (type.empty() || !wanted(type)) return;
    json::object m{{"type", std::move(type)}, {"campaign", summary}};
    if (contact) m["contact"] = *contact;
    out.push_back(std::move(m));
  };
  const auto status = [](const json::object& c) { return std::string(string_at(c, "status")); };
  const auto moved = campaign_type(status(before), status(after));
  if (moved == "campaign.started") add(moved, nullptr);
  const auto was = contacts_of(before);
  const auto now = contacts_of(after);
  for (std::size_t i = 0; i < now.size(); ++i) {
    const auto to = status(now[i]);
    if (i < was.size() && status(was[i]) == to) continue;
    if (to != "contact.pending") add(to, &now[i]);
  }
  if (moved != "campaign.started") add(moved, nullptr);
  return out;
}

}  // namespace sb::campaigns
