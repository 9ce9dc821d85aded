#pragma once
// Wiring: the commands of the `switchboard` binary, each assembling the parts it needs.

#include <cstdint>
#include <string>

namespace sb::app {

struct ServeOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 3000;
  std::string data_dir = "./data";
  std::string number_pool;  ///< file of E.164 numbers for `vapi` numbers; "" = empty pool
  unsigned io_threads = 0;  ///< 0 = one per usable CPU
  unsigned db_readers = 2;
  std::size_t body_limit = 2 * 1024 * 1024;
  std::string access_log = "stdout";  ///< "stdout", "off", or a file path
  std::string log_level = "info";
};

/// Runs the server until SIGINT/SIGTERM. Returns the process exit code.
int serve(const ServeOptions& options);

/// Creates an org with a private key on the data dir's database (safe while a server runs on
/// it) and prints {"orgId": "...", "apiKey": "..."}. Returns the process exit code.
int create_org(const std::string& name, const std::string& data_dir);

}  // namespace sb::app
