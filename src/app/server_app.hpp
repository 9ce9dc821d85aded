#pragma once
// Wiring: the commands of the `switchboard` binary, each assembling the parts it needs.

#include <cstdint>
#include <string>
#include <vector>

namespace sb::app {

struct ServeOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 3000;
  std::string data_dir = "./data";
  /// "" = SQLite in data_dir; a postgres:// URL = that PostgreSQL database (--database).
  std::string database;
  std::string number_pool;  ///< file of E.164 numbers for `vapi` numbers; "" = empty pool
  unsigned io_threads = 0;  ///< 0 = one per usable CPU
  unsigned db_readers = 2;  ///< reader threads, each with a connection (the pool size)
  std::size_t body_limit = 2 * 1024 * 1024;   ///< routes without a limit of their own
  std::size_t json_body_limit = 1024 * 1024;  ///< routes that take a JSON body
  std::size_t body_memory_limit = 256 << 20;  ///< request bodies in memory at once
  unsigned first_byte_timeout = 15;           ///< seconds; a new connection's first byte
  unsigned header_timeout = 15;               ///< seconds; first byte → end of headers
  unsigned body_timeout = 30;                 ///< seconds; end of headers → end of body
  unsigned send_timeout = 30;                 ///< seconds; writing one response
  unsigned idle_timeout = 75;                 ///< seconds; keep-alive between requests
  std::size_t max_connections = 20'000;       ///< also bounded by the open-file limit
  double rate_limit = 250'000;                ///< requests per second per org; 0 = off
  double rate_burst = 0;                      ///< 0 = one second's worth
  double auth_rate_limit = 20;                ///< unknown-key lookups per second per address
  std::string access_log = "stdout";          ///< "stdout", "off", or a file path
  std::string log_level = "info";
  std::size_t file_size_limit = 10 << 20;  ///< the largest upload (POST /file), in bytes
  /// Hours a delivered server message is kept before it is deleted; 0 = forever.
  unsigned webhook_retention_hours = 168;
  /// Seconds an instance holds a server message it is delivering before another may take it
  /// over (renewed while the attempt lasts): how long a dead instance's messages wait.
  unsigned webhook_lease_seconds = 30;
  /// Base URL of this server as providers reach it, for the URLs of uploaded files;
  /// "" = http://HOST:PORT as listening.
  std::string public_url;
  /// How the other instances on the database reach this one (relayed requests for its live
  /// calls); "" = http://HOST:PORT as listening (127.0.0.1 for 0.0.0.0).
  std::string advertise_url;
  /// Milliseconds between this instance's heartbeats; an instance silent for 3 of them is
  /// dead, and another ends its live calls.
  unsigned instance_heartbeat_ms = 5'000;
  /// Telnyx's ed25519 public key of the account (base64); "" refuses Telnyx webhooks.
  std::string telnyx_public_key;
  /// `provider=url` pairs aiming an LLM provider elsewhere (a local model server).
  std::vector<std::string> llm_base_urls;
  std::vector<std::string> speech_base_urls;  ///< provider=url, as llm_base_urls
  unsigned llm_timeout = 60;    ///< seconds a provider may take to start, or pause, its answer
  std::size_t max_calls = 500;  ///< live calls at once; POST /call beyond it is a 429
  /// Calls of an org's campaigns in flight at once, across its campaigns.
  std::int64_t campaign_org_concurrency = 10;
  /// Simulation run items of one org playing at once (the others wait queued).
  std::int64_t simulation_concurrency = 5;
  unsigned call_grace = 30;               ///< seconds live calls may run on after SIGTERM
  unsigned call_connect_timeout = 60;     ///< seconds a created call waits for its transport
  unsigned speech_threads = 0;            ///< threads of the speech pool (0: one per CPU)
  std::size_t speech_decoders = 2;        ///< built-in transcriber decoders (about 100 MB each)
  std::uint16_t sip_port = 0;             ///< UDP and TCP port of the SIP agent; 0 = none
  std::string sip_public_host;            ///< SIP host in Contact/SDP; "" = --host
  std::string rtp_ports = "20000-21999";  ///< UDP ports of SIP calls' RTP (and RTCP)
};

/// Runs the server until SIGINT/SIGTERM. Returns the process exit code.
int serve(const ServeOptions& options);

/// Creates an org with a private key on the data dir's database, or on `database` (a
/// PostgreSQL URL) when set (safe while a server runs on it), and prints
/// {"orgId": "...", "apiKey": "..."}. Returns the process exit code.
int create_org(const std::string& name, const std::string& data_dir,
               const std::string& database = "");
/// Adds a private key to the org `org_id` and prints {"orgId": "...", "apiKey": "..."}.
int add_key(const std::string& org_id, const std::string& data_dir, const std::string& database);
/// Deletes a key: every server on the database refuses it from then on (on PostgreSQL within
/// milliseconds; a server on the SQLite file within ApiKeyAuthenticator::kRecheckAfter).
int delete_key(const std::string& key, const std::string& data_dir, const std::string& database);

}  // namespace sb::app
