#pragma once
// Simulation runs (POST /eval/simulation/run): the run and one item per simulation and
// iteration are stored `queued` and answered; each item then plays off the request's thread:
// the AI tester (the personality's assistant, told the scenario's instructions) and the target
// assistant or squad take turns through the chat engine — the target's tools run as in a chat,
// except those the scenario mocks — until the tester calls endCall or the turn bound is
// reached; then the scenario's structured outputs are extracted from the transcript by a model
// and compared as its evaluations say. A voice item (transport vapi.websocket) plays the same
// conversation in a real call of the target (LiveCalls), the tester speaking as its caller
// (SimulatedCaller), and is evaluated from the call's transcript. Items take slots (a voice
// item two), at most `concurrency` at once per org; the others wait queued.
//
// Runs live in this process: a run in flight when the server stops is left as it was stored.

#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "runtime/chat/chat_engine.hpp"
#include "runtime/chat/conversation_setup.hpp"
#include "webhooks/webhooks.hpp"

namespace sb::storage {
class Store;
class Session;
struct ResourceQuery;
struct DocumentPage;
}  // namespace sb::storage
namespace sb::resources {
class ResourceService;
struct ResourceSpec;
}  // namespace sb::resources
namespace sb::voice {
class LiveCalls;
}
namespace sb::speech {
class Voice;
}
namespace boost::asio {
class io_context;
}

namespace sb::evals {

struct SimulationSpecs {
  const resources::ResourceSpec& personalities;
  const resources::ResourceSpec& scenarios;
  const resources::ResourceSpec& simulations;
  const resources::ResourceSpec& suites;
  const resources::ResourceSpec& runs;
  const resources::ResourceSpec& items;
  const resources::ResourceSpec& structured_outputs;
};

struct SimulationRunnerDeps {
  storage::Store& store;
  const resources::ResourceService& service;
  SimulationSpecs specs;
  chat::ResolverDeps resolver;
  const chat::ChatEngine& engine;  ///< its model; the target's tools run through its tools
  const llm::ProviderSettings& providers;
  std::function<std::optional<boost::json::object>(storage::Session&, std::string_view org_id)>
      org_server;
  const Clock& clock;
  std::int64_t concurrency = 5;  ///< slots in use at once per org (item_slots)
  int max_turns = 10;            ///< tester-and-target exchanges per item
  std::function<std::string()> public_url = [] { return std::string(); };
  /// Where scenario hooks' webhooks go (durably, with the write that ends or starts an
  /// item); none in tests.
  webhooks::Deliveries* deliveries = nullptr;
  /// Voice simulations: the live calls the target's calls run in, the voice the tester speaks
  /// with (any provider the server speaks), the context its microphone is paced on. Without
  /// them a voice run is refused (400).
  voice::LiveCalls* calls = nullptr;
  speech::Voice* voice = nullptr;
  boost::asio::io_context* io = nullptr;
};

/// Receives a result object, or the error (an ApiError) to answer instead.
using SimulationReply = std::function<void(std::exception_ptr, boost::json::object)>;

class SimulationRunner {
 public:
  explicit SimulationRunner(SimulationRunnerDeps deps);
  ~SimulationRunner();

  /// CreateSimulationRunResponse once the run and its items are durable; then plays them.
  void create(std::string org_id, boost::json::object body, SimulationReply done);
  /// PATCH /eval/simulation/run/{id}: every item not ended is canceled, the run ends.
  void cancel_run(std::string org_id, std::string run_id, SimulationReply done);
  /// PATCH /eval/simulation/run/{id}/item/{itemId}: the item is canceled (if not ended).
  void cancel_item(std::string org_id, std::string run_id, std::string item_id,
                   SimulationReply done);
  /// SimulationConcurrencyResponse for the org.
  boost::json::object concurrency(std::string_view org_id) const;
  /// SimulationRunItemImprovements for an ended item, by the tester's model (stored on the
  /// item when `persist`; a stored one is answered unless `force`).
  void suggest(std::string org_id, std::string run_id, std::string item_id, bool force,
               bool persist, SimulationReply done);
  /// GenerateScenariosResponse for an assistant or squad, by its own model.
  void generate_scenarios(std::string org_id, boost::json::object body, SimulationReply done);

 private:
  struct Item;
  class MockingTools;
  /// The query of a run's items, and a page of them parsed.
  static storage::ResourceQuery items_of(std::string_view run_id);
  static boost::json::array parsed_documents(const storage::DocumentPage& page);
  void enqueue(std::vector<std::shared_ptr<Item>> items);
  /// Marks the queued or playing items of `run_id` (or the one `item_id`) canceled: each stops
  /// at its next step.
  void cancel_live(std::string_view run_id, std::string_view item_id);
  void pump();
  void start(std::shared_ptr<Item> item);
  void tester_turn(std::shared_ptr<Item> item);
  void target_turn(std::shared_ptr<Item> item);
  void evaluate(std::shared_ptr<Item> item, std::size_t next);
  // Voice items (simulation_voice.cpp).
  void start_call(std::shared_ptr<Item> item);
  void connect_call(std::shared_ptr<Item> item, boost::json::object call);
  void target_spoke(std::shared_ptr<Item> item, std::string words);
  void voice_tester_turn(std::shared_ptr<Item> item);
  void call_ended(std::shared_ptr<Item> item, boost::json::object call);
  /// Ends the item's call (the tester hangs up); its end then ends the item.
  void hang_up(const std::shared_ptr<Item>& item, std::string broke = "");
  /// The tester as a chat conversation: its assistants, the transcript as it sees it.
  chat::Conversation tester_conversation(const Item& item, boost::json::array transcript) const;
  void end_item(std::shared_ptr<Item> item, std::string status, std::string reason);
  void released(const std::shared_ptr<Item>& item);
  /// Enqueues, in the write `s`, the webhooks the item's hooks ask for on `event`.
  void send_hooks(storage::Session& s, const boost::json::object& item,
                  std::string_view event) const;
  /// Applies `change` to the stored item (unless it was canceled or deleted: false to
  /// `then`) and brings its run's counts and status up to date in the same write.
  void write_item(const std::shared_ptr<Item>& item,
                  std::function<void(boost::json::object&)> change, std::function<void(bool)> then);
  /// Model access with `keys` and the server's provider settings.
  std::function<chat::ModelAccess(const chat::ModelSetup&)> access(
      std::map<std::string, std::string> keys) const;
  /// One model answer to `system` + `input` with `model` (a Vapi model object); text or error.
  void ask(std::string org_id, boost::json::object model, std::string system, std::string input,
           std::map<std::string, std::string> keys,
           std::function<void(std::optional<std::string> error, std::string text)> done) const;

  SimulationRunnerDeps deps_;
  std::unique_ptr<MockingTools> tools_;
  std::unique_ptr<chat::ChatEngine> engine_;  // deps_.engine's model, tools_
  EpochMs started_;
  mutable std::mutex mutex_;
  std::map<std::string, std::int64_t, std::less<>> active_;  // org → items running
  std::deque<std::shared_ptr<Item>> queue_;
  std::map<std::string, std::shared_ptr<Item>, std::less<>> live_;  // item id → queued/running
};

}  // namespace sb::evals
