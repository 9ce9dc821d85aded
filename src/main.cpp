// The `switchboard` binary: command-line parsing only (CLI11 lives in this one file).

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

#include "app/call_client.hpp"
#include "app/server_app.hpp"

namespace {

void add_seconds(CLI::App* cmd, const std::string& name, unsigned& seconds,
                 const std::string& help) {
  cmd->add_option(name, seconds, help)->check(CLI::Range(1u, 86'400u))->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Switchboard: a self-hosted server for the Vapi API"};
  cli.require_subcommand(1);

  sb::app::ServeOptions serve;
  auto* serve_cmd = cli.add_subcommand("serve", "Run the API server");
  serve_cmd->add_option("--host", serve.host, "Address to listen on")->capture_default_str();
  serve_cmd->add_option("--port", serve.port, "TCP port (0 picks a free one)")
      ->capture_default_str();
  serve_cmd->add_option("--data-dir", serve.data_dir, "Directory for the database and keys")
      ->capture_default_str();
  serve_cmd
      ->add_option("--database", serve.database,
                   "PostgreSQL URL (postgres://user@host/db); without it, SQLite in --data-dir")
      ->envname("DATABASE_URL");
  serve_cmd->add_option("--number-pool", serve.number_pool,
                        "File of E.164 numbers that `vapi` phone numbers are assigned from");
  serve_cmd->add_option("--io-threads", serve.io_threads, "I/O threads (0: one per CPU)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--db-readers", serve.db_readers,
                   "Database reader threads, each with its own connection (the pool size)")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--body-limit", serve.body_limit,
                   "Largest request body of routes without a limit of their own, in bytes")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_cmd
      ->add_option("--json-body-limit", serve.json_body_limit,
                   "Largest JSON request body (POST/PATCH), in bytes; at most --body-limit")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_cmd
      ->add_option("--body-memory-limit", serve.body_memory_limit,
                   "Request bodies held in memory at once, in bytes (more: 503)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  add_seconds(serve_cmd, "--first-byte-timeout", serve.first_byte_timeout,
              "Seconds a new connection may wait before sending its first byte");
  add_seconds(serve_cmd, "--header-timeout", serve.header_timeout,
              "Seconds from a request's first byte to the end of its headers");
  add_seconds(serve_cmd, "--body-timeout", serve.body_timeout,
              "Seconds from the end of a request's headers to the end of its body");
  add_seconds(serve_cmd, "--send-timeout", serve.send_timeout,
              "Seconds the client has to read one response");
  add_seconds(serve_cmd, "--idle-timeout", serve.idle_timeout,
              "Seconds a keep-alive connection may stay idle between requests");
  serve_cmd
      ->add_option("--max-connections", serve.max_connections,
                   "Open connections at most (the longest idle are closed to make room)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--rate-limit", serve.rate_limit,
                   "Requests per second per org, sustained (0: unlimited)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  serve_cmd
      ->add_option("--rate-burst", serve.rate_burst,
                   "Requests an org may make at once (0: one second's worth)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  serve_cmd
      ->add_option("--auth-rate-limit", serve.auth_rate_limit,
                   "Database lookups of unknown API keys per second per client address "
                   "(0: unlimited)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  serve_cmd
      ->add_option("--file-size-limit", serve.file_size_limit,
                   "Largest file an upload (POST /file) may hold, in bytes")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
      ->capture_default_str();
  serve_cmd
      ->add_option("--webhook-retention-hours", serve.webhook_retention_hours,
                   "Hours a delivered server message (and its attempts) is kept before it is "
                   "deleted (0: forever); dead ones are always kept")
      ->check(CLI::Range(0u, 1'000'000u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--webhook-lease-seconds", serve.webhook_lease_seconds,
                   "Seconds an instance holds a server message it is delivering (renewed while "
                   "it does): with several instances on one database, how long the messages of "
                   "one that died wait before another sends them")
      ->check(CLI::Range(1u, 3600u))
      ->capture_default_str();
  serve_cmd->add_option("--public-url", serve.public_url,
                        "Base URL providers reach this server at: their voice webhooks, media "
                        "streams, uploaded files' URLs (default: http://HOST:PORT)");
  serve_cmd->add_option("--advertise-url", serve.advertise_url,
                        "Base URL the other instances on the database reach this one at, to "
                        "relay requests for the live calls it runs (default: http://HOST:PORT, "
                        "127.0.0.1 for 0.0.0.0)");
  serve_cmd
      ->add_option("--instance-heartbeat-ms", serve.instance_heartbeat_ms,
                   "Milliseconds between this instance's heartbeats in the database; one "
                   "silent for 3 of them is taken as dead and its live calls are ended by "
                   "another instance")
      ->check(CLI::Range(100u, 60'000u))
      ->capture_default_str();
  serve_cmd
      ->add_option("--telnyx-public-key", serve.telnyx_public_key,
                   "Telnyx account's ed25519 public key (base64): Telnyx webhooks are "
                   "verified with it and refused without it")
      ->envname("TELNYX_PUBLIC_KEY");
  serve_cmd->add_option("--llm-base-url", serve.llm_base_urls,
                        "PROVIDER=URL: where an LLM provider's API is (a local model server, a "
                        "stand-in); repeatable. Also PROVIDER_BASE_URL in the environment, e.g. "
                        "OPENAI_BASE_URL");
  serve_cmd->add_option("--speech-base-url", serve.speech_base_urls,
                        "PROVIDER=URL: where a speech provider's API is (an on-premises install, "
                        "a stand-in), e.g. deepgram=http://127.0.0.1:9000; repeatable. Also "
                        "PROVIDER_BASE_URL in the environment, e.g. DEEPGRAM_BASE_URL");
  add_seconds(serve_cmd, "--llm-timeout", serve.llm_timeout,
              "Seconds an LLM provider may take to start answering a chat, and may then stay "
              "silent mid-answer (then 504)");
  serve_cmd
      ->add_option("--max-calls", serve.max_calls,
                   "Live calls at once; POST /call beyond it is refused with 429")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--campaign-org-concurrency", serve.campaign_org_concurrency,
                   "Calls an org's campaigns may have in flight at once, across its campaigns "
                   "(each also keeps to its maxConcurrency)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{100'000}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--simulation-concurrency", serve.simulation_concurrency,
                   "Simulation run items an org may have playing at once (the others wait "
                   "queued; GET /eval/simulation/concurrency shows it)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000}))
      ->capture_default_str();
  add_seconds(serve_cmd, "--call-grace", serve.call_grace,
              "Seconds live calls may go on after SIGTERM before they are ended "
              "(worker-shutdown)");
  add_seconds(serve_cmd, "--call-connect-timeout", serve.call_connect_timeout,
              "Seconds a call created over the WebSocket transport waits for its connection "
              "before it ends (transport-never-connected)");
  serve_cmd
      ->add_option("--speech-threads", serve.speech_threads,
                   "Threads the built-in speech engines run on (0: one per CPU)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--speech-decoders", serve.speech_decoders,
                   "Built-in transcriber decoders: customers speaking at once that it "
                   "transcribes (about 100 MB each, loaded in the background at start)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{256}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--sip-port", serve.sip_port,
                   "UDP and TCP port of the SIP user agent (0: no SIP listener): INVITEs to "
                   "vapi numbers' sipUri users and from byo-sip-trunk gateways are answered by "
                   "assistants (docs/sip.md)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--rtp-ports", serve.rtp_ports,
                   "FIRST-LAST: the UDP ports SIP calls' RTP takes (an even port per call, its "
                   "RTCP the odd one after); open them in the firewall")
      ->capture_default_str();
  serve_cmd->add_option("--sip-public-host", serve.sip_public_host,
                        "Host or address SIP peers reach this server at, for Contact and SDP "
                        "(default: --host)");
  serve_cmd->add_option("--access-log", serve.access_log, "stdout, off, or a file path")
      ->capture_default_str();
  serve_cmd->add_option("--log-level", serve.log_level, "trace, debug, info, warn, error")
      ->capture_default_str();

  std::string org_name, org_data_dir = "./data", org_database;
  auto* org_cmd = cli.add_subcommand("org", "Manage orgs");
  org_cmd->require_subcommand(1);
  auto* org_create = org_cmd->add_subcommand("create", "Create an org and print its API key");
  org_create->add_option("name", org_name, "Name of the org")->required();
  org_create->add_option("--data-dir", org_data_dir, "Data directory of the server")
      ->capture_default_str();
  org_create->add_option("--database", org_database, "The server's PostgreSQL URL, if it uses one")
      ->envname("DATABASE_URL");

  std::string key_org_id, key_to_delete;
  auto* org_add_key = org_cmd->add_subcommand(
      "add-key", "Add a private API key to an org and print it (rotate: add, move, delete)");
  org_add_key->add_option("org-id", key_org_id, "Id of the org")->required();
  auto* org_delete_key = org_cmd->add_subcommand(
      "delete-key", "Delete an API key: every server refuses it from then on");
  org_delete_key->add_option("key", key_to_delete, "The API key")->required();
  for (auto* command : {org_add_key, org_delete_key}) {
    command->add_option("--data-dir", org_data_dir, "Data directory of the server")
        ->capture_default_str();
    command->add_option("--database", org_database, "The server's PostgreSQL URL, if it uses one")
        ->envname("DATABASE_URL");
  }

  sb::app::CallOptions call;
  auto* call_cmd = cli.add_subcommand(
      "call", "Call an assistant over the WebSocket transport: a WAV file in, a WAV file out");
  call_cmd->add_option("--assistant-id", call.assistant_id, "The assistant to call")->required();
  call_cmd->add_option("--api-key", call.api_key, "The org's private API key")
      ->envname("SWITCHBOARD_API_KEY")
      ->required();
  call_cmd->add_option("--base-url", call.base_url, "The server")->capture_default_str();
  call_cmd->add_option("--in", call.in_wav, "What you say: a 16-bit PCM WAV file (any rate)");
  call_cmd->add_option("--out", call.out_wav, "Where what the assistant says is written (WAV)")
      ->capture_default_str();
  call_cmd->add_option("--seconds", call.seconds, "Hang up after this many seconds")
      ->capture_default_str();

  CLI11_PARSE(cli, argc, argv);
  try {
    if (serve_cmd->parsed()) return sb::app::serve(serve);
    if (org_create->parsed()) return sb::app::create_org(org_name, org_data_dir, org_database);
    if (org_add_key->parsed()) return sb::app::add_key(key_org_id, org_data_dir, org_database);
    if (org_delete_key->parsed())
      return sb::app::delete_key(key_to_delete, org_data_dir, org_database);
    if (call_cmd->parsed()) return sb::app::run_call(call);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return 2;
}
