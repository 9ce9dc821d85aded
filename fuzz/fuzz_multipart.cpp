// libFuzzer target: multipart/form-data parsing as POST /file does it. The first input line is
// the Content-Type value, the rest the body. See oracles/multipart.hpp.

#include "oracles/multipart.hpp"
#include "oracles/report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sb::fuzz::require(sb::fuzz::check_multipart(sb::fuzz::as_text(data, size)), "fuzz_multipart");
  return 0;
}
