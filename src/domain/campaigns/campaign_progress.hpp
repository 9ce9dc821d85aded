#pragma once
// A campaign's progress, kept in its own document so one write claims contacts and records
// calls: `calls` (the Campaign's "map of call IDs to campaign call details") holds, per call
// placed for a contact, {contactId, status (the contact's), callStatus (the call's, as last
// seen), dispatchedAt, endedReason, placed (it went live: the carrier was asked to dial),
// connected (it reached in-progress)}; a contact the predial kept from being called has an
// entry "predial:<contactId>" with no callStatus (no call exists). The callsCounter* fields
// are recomputed from it on every change. A contact without an entry is pending while the campaign
// runs, and skipped once it has ended or been cancelled (it was never called). Pure: the dialer
// (runtime/voice/campaign_dialer) runs these rules inside its storage writes.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sb::campaigns {

/// maxConcurrency when the campaign does not set it (CreateCampaignDTO: "Defaults to 10").
inline constexpr std::int64_t kDefaultMaxConcurrency = 10;
/// "Maximum of 10000 customers per campaign" (with its dial plan's).
inline constexpr std::size_t kMaxContacts = 10000;
/// The endedReason of a campaign that has called every contact it could.
inline constexpr std::string_view kEndedSuccess = "campaign.ended.success";
/// A contact's endedReason when the campaign stopped before calling it.
inline constexpr std::string_view kNotCalledReason = "campaign.contact-not-called";

/// A contact of the campaign: who, through which number.
struct Contact {
  std::string id;
  boost::json::object customer;  ///< as the campaign lists it (CreateCustomerDTO)
  std::string phone_number_id;   ///< the campaign's, or its dial plan entry's
};

/// Whether the campaign may still dial (status scheduled or in-progress).
bool active(const boost::json::object& campaign);
/// Calls placed for the campaign that have not ended.
std::int64_t in_flight(const boost::json::object& campaign);
/// The campaign's maxConcurrency (default kDefaultMaxConcurrency).
std::int64_t max_concurrency(const boost::json::object& campaign);
/// How many more calls may start now: maxConcurrency less those in flight, and at most
/// `org_room` (what the org's ceiling leaves), never negative.
std::int64_t room(const boost::json::object& campaign, std::int64_t org_room);

/// What the campaign's schedulePlan says at `now_ms`.
enum class Window { kOpen, kNotYet, kClosed };
Window window_at(const boost::json::object& campaign, std::int64_t now_ms);
/// When the window next changes (earliestAt before it opens, latestAt while open), if ever.
std::optional<std::int64_t> next_change(const boost::json::object& campaign, std::int64_t now_ms);

/// Every contact: the campaign's customers, then each dial-plan entry's, in that order. A
/// contact's id is derived from the campaign's id and its position, so it is stable as long
/// as the contacts before it are (customers cannot be changed after creation).
std::vector<Contact> contacts(const boost::json::object& campaign);
/// The first `limit` contacts without a call (and not in `except`), in position order.
std::vector<Contact> pending(const boost::json::object& campaign, std::int64_t limit,
                             const std::set<std::string, std::less<>>& except = {});

/// Records that `call_id` was placed for `contact` at `now_ms` (status in-progress).
void claim(boost::json::object& campaign, const Contact& contact, std::string_view call_id,
           std::int64_t now_ms);

/// Whether each contact is first offered to the campaign's server (`campaign.predial`): a
/// predialPlan not disabled, and a server to ask.
bool predial_enabled(const boost::json::object& campaign);
/// The campaign.predial message about `contact` (ServerMessageCampaignPredial).
boost::json::object predial_message(const boost::json::object& campaign, const Contact& contact);
/// What a server's reply to campaign.predial decides: kDial for {"eligible": true}, kSkip for
/// false, kFailed for anything else (no reply, an error, a missing or non-boolean eligible).
enum class Predial { kDial, kSkip, kFailed };
Predial predial_verdict(bool ok, const boost::json::value& body);
/// Records a contact the predial kept from being called: contact.skipped (not eligible) or
/// contact.predial-failed with `reason`. Kept in `calls` under "predial:<contactId>" (no call
/// exists), never counted as a call.
void record_predial(boost::json::object& campaign, const Contact& contact, Predial verdict,
                    std::string_view reason);

/// Records what the stored call `call` says of itself (its status, endedReason). Returns
/// whether anything changed; a status never moves back (an ended call stays ended).
bool observe(boost::json::object& campaign, const boost::json::object& call);

/// Ends the campaign when nothing is left to do: every contact called and every call ended,
/// or the window closed with no call in flight. Returns whether it ended now.
bool finish_if_done(boost::json::object& campaign, std::int64_t now_ms);

/// The calls of the campaign still waiting to be dialled (callStatus scheduled), for a
/// cancellation to end.
std::vector<std::string> waiting_calls(const boost::json::object& campaign);

/// Recomputes the callsCounter* fields from `calls`.
void count(boost::json::object& campaign);

/// A contact's status ("contact.dispatched" ...) and its entry in `calls`.
struct ContactState {
  std::string status;
  std::string call_id;                        ///< the entry's key (a call id, or "predial:…")
  const boost::json::object* call = nullptr;  ///< its entry in `calls`
};
/// The state of every contact that has an entry (called, or decided by its predial), keyed by
/// contact id.
std::map<std::string, ContactState, std::less<>> states(const boost::json::object& campaign);
/// The status of a contact that has no call (pending, or skipped once the campaign stopped).
std::string_view uncalled_status(const boost::json::object& campaign);

}  // namespace sb::campaigns
