#pragma once
// Dialling a call out through Vonage's Voice API: POST /v1/calls (JSON) with an NCCO that
// connects the call's audio to this server's WebSocket (L16 16 kHz, as an inbound call's answer
// does), the event URL its status events go to, and how long it rings. Every request carries a
// JWT signed with the private key of the account's application (vonage_keys.hpp). A call is
// hung up with PUT /v1/calls/{uuid} {"action": "hangup"}.

#include <functional>
#include <string>

#include "net/http_client.hpp"
#include "telephony/outbound_dial.hpp"

namespace sb::telephony {

/// The application whose key signs the requests.
struct VonageApplication {
  std::string id;
  std::string private_pem;
};

/// The JSON body of POST /v1/calls: numbers without '+', as Vonage writes them; ring_seconds
/// becomes ringing_timer, within Vonage's 1-120 s; machine_detection, advanced_machine_detection
/// (behavior continue, asynchronous), its verdicts sent to the event URL.
std::string vonage_dial_body(const OutboundDial& dial);

/// Creates the call. `done` gets its uuid, or (uuid empty) why it failed: Vonage's refusal,
/// that it could not be reached, or a key that cannot sign. Once, on an HttpClient thread.
void dial_vonage(net::HttpClient& http, const std::string& api_base,
                 const VonageApplication& application, const OutboundDial& dial,
                 std::function<void(std::string uuid, std::string error)> done);

/// Moves the live call `uuid` to `ncco` (JSON array text): PUT /v1/calls/{uuid} {"action":
/// "transfer", "destination": {"type": "ncco", "ncco": ...}}. `done` gets "" when Vonage took
/// it, else why not. Once, on an HttpClient thread.
void transfer_vonage(net::HttpClient& http, const std::string& api_base,
                     const VonageApplication& application, const std::string& uuid,
                     const std::string& ncco, std::function<void(std::string error)> done);

/// Ends a call Vonage is still placing or running. Best effort; the answer is only logged.
void hang_up_vonage(net::HttpClient& http, const std::string& api_base,
                    const VonageApplication& application, const std::string& uuid);

}  // namespace sb::telephony
