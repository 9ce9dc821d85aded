#pragma once
// Identifiers: random UUID v4 for resources and API keys (Vapi's keys are UUIDs too).

#include <string>
#include <string_view>

namespace sb {

/// A random (version 4) UUID in lower-case canonical form. Thread-safe.
std::string new_uuid();
/// True for the canonical 8-4-4-4-12 hexadecimal form, any version, any case.
bool is_uuid(std::string_view text);
/// `n` bytes from the operating system's CSPRNG, as lower-case hex. Throws on failure.
std::string random_hex(std::size_t n);

}  // namespace sb
