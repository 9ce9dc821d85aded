// libFuzzer target: request bodies through Boost.JSON (as the dispatcher parses them) and
// Contract::validate against CreateAssistantDTO, the POST /phone-number oneOf and the PATCH
// /phone-number/{id} body with each provider as the default. See oracles/contract_body.hpp.

#include "oracles/contract_body.hpp"
#include "oracles/report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sb::fuzz::require(sb::fuzz::check_contract_body(sb::fuzz::as_text(data, size)),
                    "fuzz_contract_body");
  return 0;
}
