#pragma once
// The embedded contract, compiled once per process, as the server does at start-up: it is
// immutable, and compiling it per input would cost more than the validation under test.

#include <memory>

#include "contract/contract.hpp"

namespace sb::fuzz {

inline const contract::Contract& embedded_contract() {
  static const std::shared_ptr<const contract::Contract> loaded =
      contract::Contract::load_embedded();
  return *loaded;
}

}  // namespace sb::fuzz
