// libFuzzer target: SDP offers as SIP peers send them, parsed and answered. See oracles/sdp.hpp.

#include "oracles/report.hpp"
#include "oracles/sdp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sb::fuzz::require(sb::fuzz::check_sdp(sb::fuzz::as_text(data, size)), "fuzz_sdp");
  return 0;
}
