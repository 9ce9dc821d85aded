#pragma once
// What every provider renderer (twiml.hpp, ncco.hpp, texml.hpp) needs besides the Decision,
// and the reading of a transfer destination they share.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

namespace sb::telephony {

struct RenderContext {
  std::string stream_url;  ///< wss://.../... where the media stream connects (assistant calls)
  std::string call_id;     ///< our Call id (passed to the stream as a parameter)
  std::string caller;      ///< the caller's number, E.164 (default callerId of a transfer)
  std::string our_number;  ///< the called number, E.164
  /// A warm transfer's: the TwiML URL Twilio runs on the destination's leg once it answers,
  /// before connecting the caller (<Number url>/<Sip url>); "" for a blind transfer.
  std::string whisper_url;
};

/// The caller id a transfer presents: the destination's callerId, with the docs' templates
/// {{customer.number}} (the caller) and {{phoneNumber.number}} (our number) filled in; the
/// caller when it has none.
std::string transfer_caller_id(const boost::json::object& destination, const RenderContext& ctx);

/// What is spoken to the caller before a transfer: the destination's `message` (a string, or
/// a CustomMessage's `content`); empty for none. The docs' default ("Transferring the call
/// now") belongs to transfers an assistant makes, not to these, which happen before any
/// assistant runs.
std::string transfer_message(const boost::json::object& destination);

/// The destination's sipHeaders as (name, value) pairs in their order; values that are not
/// strings are written as JSON.
std::vector<std::pair<std::string, std::string>> sip_headers(
    const boost::json::object& destination);

/// `sip_uri` with `headers` appended the way Twilio's and Telnyx's <Sip> take custom headers:
/// as URI headers (?X-Name=value&...), values percent-encoded. A name not starting with "X-"
/// (any case) gets that prefix, because those providers pass on only X- headers, except
/// User-to-User which they pass as it is.
std::string sip_uri_with_headers(std::string_view sip_uri,
                                 const std::vector<std::pair<std::string, std::string>>& headers);

/// `url` with `name=value` added to its query (value percent-encoded).
std::string with_query_parameter(std::string_view url, std::string_view name,
                                 std::string_view value);

/// The digits a provider sends after a transfer connects to reach `extension`: `pause` (one
/// half-second pause, "w" for Twilio/Telnyx, "p" for Vonage) twice, then the extension.
std::string extension_digits(const boost::json::object& destination, std::string_view pause);

}  // namespace sb::telephony
