#pragma once
// The process's limit on open files, which bounds how many connections it can hold.

#include <cstddef>

namespace sb::net {

/// Raises the soft limit on open files (RLIMIT_NOFILE) to the hard limit, since every
/// connection holds a descriptor and the usual soft default (1024) is far too low. Returns the
/// soft limit in force afterwards.
std::size_t raise_open_file_limit();

}  // namespace sb::net
