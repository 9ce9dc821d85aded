#include "app/server_app.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/object.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "api/calls/call_routes.hpp"
#include "api/metrics/metrics_route.hpp"
#include "app/catalog/catalog.hpp"
#include "app/data_dir.hpp"
#include "app/sip_endpoint.hpp"
#include "app/sip_trunk_pings.hpp"
#include "app/store_choice.hpp"
#include "auth/api_key_authenticator.hpp"
#include "contract/contract.hpp"
#include "core/crypto.hpp"
#include "core/json_text.hpp"
#include "domain/orgs/org_service.hpp"
#include "domain/phone_numbers/number_pool.hpp"
#include "http/dispatcher.hpp"
#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "net/io_threads.hpp"
#include "net/open_files.hpp"
#include "net/websocket.hpp"
#include "runtime/speech/assembly_ai_transcriber.hpp"
#include "runtime/speech/azure_transcriber.hpp"
#include "runtime/speech/azure_voice.hpp"
#include "runtime/speech/cartesia_transcriber.hpp"
#include "runtime/speech/cartesia_voice.hpp"
#include "runtime/speech/custom_transcriber.hpp"
#include "runtime/speech/deepgram_transcriber.hpp"
#include "runtime/speech/deepgram_voice.hpp"
#include "runtime/speech/elevenlabs_transcriber.hpp"
#include "runtime/speech/elevenlabs_voice.hpp"
#include "runtime/speech/gladia_transcriber.hpp"
#include "runtime/speech/lmnt_voice.hpp"
#include "runtime/speech/openai_transcriber.hpp"
#include "runtime/speech/openai_voice.hpp"
#include "runtime/speech/playht_voice.hpp"
#include "runtime/speech/remote_speech.hpp"
#include "runtime/speech/rime_ai_voice.hpp"
#include "runtime/speech/speech_pool.hpp"
#include "runtime/speech/speech_providers.hpp"
#include "runtime/speech/speechmatics_transcriber.hpp"
#include "runtime/voice/call_owners.hpp"
#include "runtime/voice/campaign_dialer.hpp"
#include "runtime/voice/live_calls.hpp"
#include "runtime/voice/rtp_streams.hpp"
#include "runtime/voice/scheduled_calls.hpp"
#include "runtime/voice/sip_carrier.hpp"
#include "storage/org_repository.hpp"
#include "telephony/sip/sip_agent.hpp"
#include "telephony/sip/sip_metrics.hpp"
#include "webhooks/webhook_runtime.hpp"

namespace sb::app {
namespace {

// Access lines are written by the request's own thread into a buffered file and flushed once
// a second (and at shutdown): a handoff to a logging thread per request would cost a context
// switch each, and a flush per line a system call each. A crash loses at most the last second
// of access lines, never data.
std::shared_ptr<spdlog::logger> make_access_log(const std::string& target) {
  if (target == "off") return nullptr;
  const std::string path = target == "stdout" ? "/dev/stdout" : target;
  auto log = spdlog::basic_logger_mt("access", path);
  log->set_pattern("%v");
  log->flush_on(spdlog::level::off);
  spdlog::flush_every(std::chrono::seconds(1));
  return log;
}

// First start on an empty database: one org and its private key, shown to the operator and
// kept in the data dir. SWITCHBOARD_API_KEY presets that key; on a database that already has
// orgs it would silently do nothing, so the operator is told unless it is already a key here.
void bootstrap_first_org(storage::Store& store, const DataDir& dir) {
  std::optional<std::string> preset;
  if (const char* env = std::getenv("SWITCHBOARD_API_KEY"); env && *env) preset = env;
  std::int64_t orgs = 0;
  bool preset_known = false;
  store.read_sync([&](storage::Session& s) {
    orgs = s.orgs().org_count();
    if (preset) preset_known = s.orgs().org_for_private_key(sha256_hex(*preset)).has_value();
  });
  if (orgs > 0) {
    if (preset && !preset_known)
      spdlog::warn(
          "SWITCHBOARD_API_KEY is ignored: it only presets the first org's key when the database "
          "is empty, and {} already has {} org(s). The first org's key is in {}/api-key; "
          "`switchboard org create NAME --data-dir {}` makes another org and key.",
          dir.database_path(), orgs, dir.path(), dir.path());
    return;
  }
  orgs::NewOrg created;
  store.write_sync([&](storage::Session& s) { created = orgs::create_org(s, "default", preset); });
  dir.write_api_key(created.api_key);
  spdlog::info("created org {} with a private API key (saved in {}/api-key)", created.org_id,
               dir.path());
}

// The org of the key kept in the data dir: printed at every start, since PATCH /org/{id} (the
// org's server) needs its id.
std::optional<std::string> org_of_key(storage::Store& store, const std::string& key) {
  std::optional<std::string> org;
  store.read_sync(
      [&](storage::Session& s) { org = s.orgs().org_for_private_key(sha256_hex(key)); });
  return org;
}

http::Route health_route() {
  http::Route route;
  route.method = http::Method::kGet;
  route.path = "/health";
  route.authenticated = false;
  route.handler = [](http::Context&&, http::Reply reply) {
    reply(http::Response::json(200, R"({"status":"ok"})"));
  };
  return route;
}

// Threads of the outbound context: exchanges are asynchronous, so two keep TLS handshakes and
// body parsing of many deliveries off each other's way on two cores.
constexpr unsigned kOutboundThreads = 2;

// Descriptors the process needs besides connections: the listener, the database and its WAL
// files per connection, logs, epoll and signal plumbing, with room to spare.
constexpr std::size_t kReservedDescriptors = 128;

// The connection cap, lowered to what the open-file limit allows (after raising it).
std::size_t connection_cap(std::size_t wanted) {
  const std::size_t files = net::raise_open_file_limit();
  const std::size_t possible =
      files > 2 * kReservedDescriptors ? files - kReservedDescriptors : files / 2;
  if (wanted > possible)
    spdlog::info("at most {} connections (not {}): the open-file limit is {}", possible, wanted,
                 files);
  return std::min(wanted, possible);
}

http::DispatcherOptions dispatcher_options(const ServeOptions& o) {
  http::DispatcherOptions d;
  d.body_limit = o.body_limit;
  d.json_body_limit = o.json_body_limit;
  d.org_rate.per_second = o.rate_limit;
  d.org_rate.burst = o.rate_burst;
  return d;
}

net::ServerOptions server_options(const ServeOptions& o, const http::Dispatcher& dispatcher) {
  net::ServerOptions s;
  s.host = o.host;
  s.port = o.port;
  s.body_limit = o.body_limit;
  s.route_body_limit = [&dispatcher](http::Method method, std::string_view path) {
    return dispatcher.body_limit(method, path);
  };
  s.forwarded_headers = dispatcher.forwarded_headers();
  for (const auto& name : net::websocket_request_headers()) s.forwarded_headers.push_back(name);
  s.loggable_path = [&dispatcher](http::Method method, std::string_view path) {
    return dispatcher.loggable_path(method, path);
  };
  s.body_memory_limit = o.body_memory_limit;
  s.first_byte_timeout = std::chrono::seconds(o.first_byte_timeout);
  s.header_timeout = std::chrono::seconds(o.header_timeout);
  s.body_timeout = std::chrono::seconds(o.body_timeout);
  s.send_timeout = std::chrono::seconds(o.send_timeout);
  s.idle_timeout = std::chrono::seconds(o.idle_timeout);
  s.max_connections = connection_cap(o.max_connections);
  return s;
}

// The listening address as a URL; an unspecified address (all interfaces) is reached locally.
std::string default_public_url(const std::string& host, std::uint16_t port) {
  std::string h = host == "0.0.0.0" ? "127.0.0.1" : host == "::" ? "[::1]" : host;
  if (h.find(':') != std::string::npos && h.front() != '[') h = "[" + h + "]";
  return "http://" + h + ":" + std::to_string(port);
}

// Diagnostics go to stderr; stdout carries the start-up banner and the access log.
void use_stderr_for_diagnostics(const std::string& level) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("switchboard"));
  spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace

int serve(const ServeOptions& options) {
  use_stderr_for_diagnostics(options.log_level);
  const DataDir dir(options.data_dir);
  const std::string secret_key = dir.secret_key_hex();
  const SecretBox secrets(secret_key);
  const auto pool = options.number_pool.empty()
                        ? phone_numbers::NumberPool()
                        : phone_numbers::NumberPool::load(options.number_pool);
  const auto contract = contract::Contract::load_embedded();

  const auto opened = open_store(options.database, dir.database_path(), options.db_readers,
                                 sha256_hex("switchboard secret key check\n" + secret_key));
  storage::Store& store = *opened;
  bootstrap_first_org(store, dir);

  // Set before the server runs (so before any request reads it), once the port is known.
  std::string public_url = options.public_url;
  std::string advertise_url;  // set once listening, like public_url
  while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
  // Outbound work (HTTP exchanges, the server-message dispatcher) runs on a context of its
  // own, so a burst of deliveries never takes a thread from the listener. It stops last.
  net::IoThreads outbound("outbound", kOutboundThreads);
  outbound.start();
  const net::Placement on_outbound{&outbound.context(), &system_clock()};
  // Outbound HTTP (server messages, provider APIs). Stopped before the store, so no exchange
  // finishing late posts storage work after it.
  net::HttpClientOptions client_options;
  client_options.context = on_outbound.io;
  net::HttpClient http_client(client_options);
  // Server messages: pending ones (from before a restart) are loaded and sent from here on.
  webhooks::DispatcherOptions delivery;
  delivery.retention = std::chrono::hours(options.webhook_retention_hours);
  delivery.lease = std::chrono::seconds(options.webhook_lease_seconds);
  delivery.instance = dir.instance_id();
  delivery.sole_instance = options.database.empty();  // SQLite: one instance per file
  webhooks::WebhookRuntime server_messages(store, secrets, http_client, delivery, on_outbound);
  spdlog::info("instance {}: delivers the server messages it claims (leases of {} s)",
               server_messages.instance(), options.webhook_lease_seconds);
  server_messages.start();
  // Live calls run on strands of a context of their own (one thread per usable CPU), so a
  // burst of API requests never delays a call's 20 ms frames; speech engines on a bounded pool.
  net::IoThreads calls_io("calls", 0);
  calls_io.start();
  speech::SpeechPool speech_pool(options.speech_threads ? options.speech_threads
                                                        : net::usable_cpus());
  speech::BuiltinTranscriberOptions builtin_speech;
  builtin_speech.decoders = options.speech_decoders;
  builtin_speech.load_on_first_use = true;
  speech::SpeechProviders speech(speech_pool, http_client, builtin_speech,
                                 server_messages.signer());
  // custom-transcriber: a WebSocket to the customer's server, dialled on the outbound context.
  net::WebSocketClient websockets(&outbound.context());
  speech::CustomTranscriber custom_transcriber(websockets, server_messages.signer());
  speech.add_transcriber("custom-transcriber", custom_transcriber);
  // Remote providers (Deepgram, ElevenLabs, ...): their APIs, or stand-ins, over HTTP and
  // WebSockets on the outbound context.
  auto remote_settings = speech::RemoteSpeechSettings::from_environment();
  for (const auto& assignment : options.speech_base_urls)
    remote_settings.override_base_url(assignment);
  const speech::RemoteSpeechDeps remote{http_client, websockets, remote_settings};
  // Deepgram: live transcription over a WebSocket (KeepAlive timers on the outbound context),
  // Aura voices over HTTP.
  speech::DeepgramTranscriber deepgram_transcriber(remote, outbound.context().get_executor());
  speech.add_transcriber("deepgram", deepgram_transcriber);
  speech::AssemblyAiTranscriber assembly_ai_transcriber(remote);
  speech.add_transcriber("assembly-ai", assembly_ai_transcriber);
  speech::GladiaTranscriber gladia_transcriber(remote);
  speech.add_transcriber("gladia", gladia_transcriber);
  speech::SpeechmaticsTranscriber speechmatics_transcriber(remote);
  speech.add_transcriber("speechmatics", speechmatics_transcriber);
  speech::OpenAiTranscriber openai_transcriber(remote);
  speech.add_transcriber("openai", openai_transcriber);
  speech::ElevenLabsTranscriber elevenlabs_transcriber(remote);
  speech.add_transcriber("11labs", elevenlabs_transcriber);
  speech::CartesiaTranscriber cartesia_transcriber(remote);
  speech.add_transcriber("cartesia", cartesia_transcriber);
  speech::AzureTranscriber azure_transcriber(remote);
  speech.add_transcriber("azure", azure_transcriber);
  speech::HttpVoice deepgram_voice(remote, speech::kDeepgramVoice);
  speech.add_voice("deepgram", deepgram_voice);
  speech::HttpVoice elevenlabs_voice(remote, speech::kElevenLabsVoice);
  speech::HttpVoice cartesia_voice(remote, speech::kCartesiaVoice);
  speech::HttpVoice openai_voice(remote, speech::kOpenAiVoice);
  speech.add_voice("11labs", elevenlabs_voice);
  speech.add_voice("cartesia", cartesia_voice);
  speech.add_voice("openai", openai_voice);
  speech::HttpVoice lmnt_voice(remote, speech::kLmntVoice);
  speech.add_voice("lmnt", lmnt_voice);
  speech::HttpVoice rime_ai_voice(remote, speech::kRimeAiVoice);
  speech.add_voice("rime-ai", rime_ai_voice);
  speech::HttpVoice azure_voice(remote, speech::kAzureVoice);
  speech.add_voice("azure", azure_voice);
  speech::HttpVoice playht_voice(remote, speech::kPlayHtVoice);
  speech.add_voice("playht", playht_voice);
  CatalogDeps deps{
      store, secrets, contract, pool, dir.path(), options.file_size_limit, [&public_url] {
        return public_url;
      }};
  deps.files_in_database = !options.database.empty();
  deps.deliveries = &server_messages.deliveries();
  deps.clock = on_outbound.clock;
  // Importing a provider's number points its voice webhook here through the provider's API.
  deps.http = &http_client;
  deps.provider_apis = telephony::ProviderApis::from_environment();
  deps.llm_providers = llm::ProviderSettings::from_environment();
  deps.llm_providers.timeout = std::chrono::seconds(options.llm_timeout);
  for (const auto& assignment : options.llm_base_urls)
    deps.llm_providers.override_base_url(assignment);
  voice::SipLine sip_line;  // byo-phone-numbers dial out through it once SIP runs (below)
  Catalog catalog(std::move(deps));
  const auto telephony = add_telephony(catalog);
  const auto agents = add_agents(catalog);
  const auto credentials = add_credentials_files(catalog);
  const auto workspace = add_workspace(catalog);
  const auto& engine = add_chats(catalog, agents, credentials, workspace);
  http::RateLimiter::Options lookups;
  lookups.per_second = options.auth_rate_limit;
  auth::ApiKeyAuthenticator authenticator(store, lookups);
  const auto live =
      add_live_calls(catalog, telephony, agents, credentials, workspace,
                     {engine, speech.transcribers(), speech.voices(), calls_io.context(),
                      (std::filesystem::path(dir.path()) / "live-calls").string(),
                      options.max_calls, std::chrono::seconds(options.call_connect_timeout),
                      options.campaign_org_concurrency, authenticator, options.telnyx_public_key,
                      &sip_line, dir.instance_id(), [&advertise_url] { return advertise_url; },
                      std::chrono::milliseconds(options.instance_heartbeat_ms)});
  add_evals(catalog, agents, credentials, engine, options.simulation_concurrency,
            {live.calls, speech.voices(), calls_io.context()});
  const auto& inbound = add_inbound_calls(catalog, telephony, agents, credentials, workspace,
                                          options.telnyx_public_key, &live.calls, live.forwarding);
  // Calls a killed process left live are ended, and their reports sent, before new ones start.
  live.calls.recover("call.in-progress.error-vapifault-worker-died");
  // The first heartbeat (its URL follows once listening), and the calls this instance's last
  // run still owned ended; then a beat every --instance-heartbeat-ms takes over dead ones'.
  live.owners.start();
  live.scheduled.rearm();  // calls scheduled for later wait again (or end, their time passed)
  // On a shared database, calls other instances schedule wait here too (one claim dials each).
  if (!options.database.empty()) live.scheduled.rescan_every(std::chrono::seconds(30));
  live.campaigns.start();  // running campaigns go on, counting the ends they missed
  http::Router router;
  router.add(health_route());
  voice::RtpStreams rtp_streams;           // SIP calls' media, listed by SipEndpoint
  telephony::sip::SipMetrics sip_metrics;  // SIP transactions, counted by the agent
  // OPTIONS pings to trunk gateways (started with the SIP agent, below).
  SipTrunkPings trunk_pings(store, boost::asio::make_strand(calls_io.context()), system_clock());
  router.add(api::metrics_route(server_messages.metrics(), &live.calls.metrics(), &rtp_streams,
                                [&trunk_pings, &sip_metrics] {
                                  return trunk_pings.render_metrics() + sip_metrics.render();
                                }));
  catalog.register_routes(router);

  const http::Dispatcher dispatcher(std::move(router), authenticator, contract,
                                    dispatcher_options(options));

  // The listener and its connections run on a context of their own (0 threads: one per
  // usable CPU); it is stopped once the server has returned from run().
  net::IoThreads http_io("http", options.io_threads);
  auto listener = server_options(options, dispatcher);
  listener.upgrade = [&routes = live.routes](const http::Request& head) {
    return routes.upgrade(head);
  };
  net::HttpServer server(
      std::move(listener),
      [&dispatcher](http::Request&& request, http::Reply reply) {
        dispatcher.dispatch(std::move(request), std::move(reply));
      },
      make_access_log(options.access_log), http_io);
  const auto port = server.listen();
  if (public_url.empty()) public_url = default_public_url(options.host, port);
  advertise_url = options.advertise_url.empty() ? default_public_url(options.host, port)
                                                : options.advertise_url;
  while (!advertise_url.empty() && advertise_url.back() == '/') advertise_url.pop_back();
  live.owners.beat();  // the others learn the URL now
  // SIP (only with --sip-port): its events run on the calls' context.
  SipEndpoint sip(
      {options.host, options.sip_port, options.sip_public_host, options.rtp_ports, &sip_metrics},
      {inbound, live.calls, calls_io.context(), *on_outbound.clock, rtp_streams, &live.transfers,
       &sip_line});
  if (auto* agent = sip.agent()) trunk_pings.start(*agent);

  std::printf("Switchboard listening on http://%s:%u\n", options.host.c_str(), port);
  if (const auto key = dir.read_api_key()) {
    if (const auto org = org_of_key(store, *key)) std::printf("Org id: %s\n", org->c_str());
    std::printf("API key: %s\n", key->c_str());
  }
  std::fflush(stdout);

  http_io.start();
  server.run();
  // No new calls from here; live ones may finish within the grace, then end (worker-shutdown)
  // with their reports stored. Their sockets live on the listener's context: stop it after.
  live.calls.drain(std::chrono::seconds(options.call_grace));
  trunk_pings.stop();
  sip.stop();
  http_io.stop();
  calls_io.stop();
  // A call that ended just now may still be closing its transcriber's socket: on the outbound
  // context, which must run until it is gone.
  websockets.stop();
  speech_pool.stop();
  // The reports of the calls just ended (and whatever else is due) get a moment to go out.
  server_messages.flush(std::chrono::seconds(2));
  server_messages.stop();
  http_client.stop();
  store.stop();
  outbound.stop();
  spdlog::info("stopped cleanly");
  spdlog::shutdown();
  return 0;
}

namespace {

// Runs one write job of an `org` command on the server's database; false (said on stderr)
// when there is none.
bool write_to_server_database(const std::string& data_dir, const std::string& database,
                              const storage::WriteJob& job) {
  use_stderr_for_diagnostics("warn");
  // Run from the wrong directory, this would make a new empty database whose keys the running
  // server never sees.
  if (database.empty() && !DataDir::holds_database(data_dir)) {
    spdlog::error(
        "no Switchboard database in {} (looked for {}/{}): pass the data directory the server "
        "runs on with --data-dir (or its --database), or start the server there first",
        data_dir, data_dir, DataDir::kDatabaseFile);
    return false;
  }
  const auto store =
      open_store(database, database.empty() ? DataDir(data_dir).database_path() : std::string(), 1);
  store->write_sync(job);
  store->stop();
  return true;
}

int print_key(const std::string& org_id, const std::string& key) {
  boost::json::object line{{"orgId", org_id}, {"apiKey", key}};
  std::printf("%s\n", json_text(line).c_str());
  return 0;
}

}  // namespace

int create_org(const std::string& name, const std::string& data_dir, const std::string& database) {
  orgs::NewOrg created;
  if (!write_to_server_database(data_dir, database,
                                [&](storage::Session& s) { created = orgs::create_org(s, name); }))
    return 1;
  return print_key(created.org_id, created.api_key);
}

int add_key(const std::string& org_id, const std::string& data_dir, const std::string& database) {
  std::string key;
  if (!write_to_server_database(data_dir, database,
                                [&](storage::Session& s) { key = orgs::add_key(s, org_id); }))
    return 1;
  return print_key(org_id, key);
}

int delete_key(const std::string& key, const std::string& data_dir, const std::string& database) {
  bool deleted = false;
  if (!write_to_server_database(data_dir, database,
                                [&](storage::Session& s) { deleted = orgs::delete_key(s, key); }))
    return 1;
  if (!deleted) {
    spdlog::error("no org has this API key");
    return 1;
  }
  std::printf("deleted\n");
  return 0;
}

}  // namespace sb::app
