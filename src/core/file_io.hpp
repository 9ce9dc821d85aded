#pragma once
// The file system calls the stores of DATA_DIR share (uploaded files, call recordings).

#include <optional>
#include <string>

namespace sb {

/// Creates the directory `path` (mode 0700) unless it exists. Throws std::runtime_error
/// ("cannot create <path>: <why>") when it cannot.
void make_private_dir(const std::string& path);

/// The whole content of the file at `path`; nullopt when it cannot be opened. EINTR is retried;
/// a read error ends the content where it happened.
std::optional<std::string> read_file(const std::string& path);

}  // namespace sb
