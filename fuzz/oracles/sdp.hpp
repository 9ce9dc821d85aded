#pragma once
// Oracle for SDP offers (src/telephony/sip/sdp.hpp, sdp_negotiation.hpp), which SIP peers send
// in INVITEs. parse_sdp either throws SdpError with a message or returns a description; the
// answer to that description must parse back, with one m= line per offered one in order, and
// a non-zero port on exactly one of them when an audio stream was agreed (none otherwise).

#include <string>
#include <string_view>

#include "telephony/sip/sdp.hpp"
#include "telephony/sip/sdp_negotiation.hpp"

namespace sb::fuzz {

inline std::string check_sdp(std::string_view input) {
  using namespace telephony::sip;
  SessionDescription offer;
  try {
    offer = parse_sdp(input);
  } catch (const SdpError& e) {
    return std::string_view(e.what()).empty() ? "an SdpError without a message" : "";
  }
  const LocalMedia local{"192.0.2.1", 40000, 1, 1};
  const auto answer = answer_offer(offer, local);
  SessionDescription back;
  try {
    back = parse_sdp(answer.sdp);
  } catch (const SdpError& e) {
    return std::string("the answer does not parse: ") + e.what();
  }
  if (back.media.size() != offer.media.size()) return "the answer's m= lines differ in number";
  std::size_t open = 0;
  for (std::size_t i = 0; i < back.media.size(); ++i) {
    if (back.media[i].media != offer.media[i].media) return "an answer m= line changed media";
    if (back.media[i].port != 0) ++open;
  }
  if (open != (answer.audio ? 1u : 0u)) return "open streams do not match the agreed audio";
  if (answer.audio && !read_answer(back)) return "the answer's own audio is not readable";
  return {};
}

}  // namespace sb::fuzz
