#pragma once
// Each provider's sequence of API calls that points one of its numbers' voice webhooks at this
// server. Asynchronous: each returns at once and calls `done` once, on an HttpClient thread,
// with nullptr when the provider now sends the number's calls here, else with a 400 ApiError.

#include <string>

#include "telephony/provider_http.hpp"

namespace sb::telephony {

/// The number being imported and where this server is reached.
struct PointingTarget {
  std::string number;      ///< E.164, "+14155550100"
  std::string public_url;  ///< no trailing '/'
};

/// Twilio: the account's IncomingPhoneNumber with that PhoneNumber gets VoiceUrl
/// {public}/twilio/inbound_call and StatusCallback {public}/twilio/status.
struct TwilioAccount {
  std::string sid;
  std::string user;      ///< HTTP Basic: the sid, or an API key
  std::string password;  ///< the auth token, or the API key's secret
};
void point_twilio_number(net::HttpClient& http, std::string api_base, TwilioAccount account,
                         PointingTarget target, Done done);

/// Vonage: the number is linked to a voice application (found by name, else created) whose
/// answer URL is {public}/vonage/inbound_call and event URL {public}/vonage/event. The
/// application also holds the public key of this server's key pair for the account (the Voice
/// API takes only tokens signed with its private key): an application that is new, or not the
/// one whose private key the credential keeps, gets a fresh pair, and `keep_keys` stores it
/// before the number is linked.
struct VonageAccount {
  std::string api_key;
  std::string api_secret;
  std::string credential_id;     ///< for messages
  std::string application_id;    ///< the credential's vonageApplicationId, "" if none yet
  bool has_private_key = false;  ///< whether the credential keeps that application's key
};
/// Stores a new key pair's application id and private key (PEM); calls `next` with nullptr once
/// stored, else with the error.
using KeepVonageKeys =
    std::function<void(std::string application_id, std::string private_pem, Done next)>;
void point_vonage_number(net::HttpClient& http, std::string rest_base, std::string api_base,
                         VonageAccount account, PointingTarget target, KeepVonageKeys keep_keys,
                         Done done);

/// Telnyx: the number's connection becomes a TeXML application (found by name, else created)
/// whose voice URL is {public}/telnyx/inbound_call and status callback {public}/telnyx/status.
struct TelnyxAccount {
  std::string api_key;
  std::string credential_id;  ///< for messages
};
void point_telnyx_number(net::HttpClient& http, std::string api_base, TelnyxAccount account,
                         PointingTarget target, Done done);

/// The name of the provider-side application that sends calls to the server at `public_url`.
std::string application_name(const std::string& public_url);

}  // namespace sb::telephony
