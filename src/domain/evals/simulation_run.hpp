#pragma once
// The rules of simulation runs (POST /eval/simulation/run) that need no model: what a request
// must combine, item counts, the structured-output evaluations' extraction prompt, the reading
// of the extracted value and its comparison, and the transcript. The simulation runner
// (runtime/evals/simulation_runner) plays the conversations with them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sb::evals {

/// Most iterations of each simulation one run may ask for.
inline constexpr std::int64_t kMaxIterations = 50;

/// Throws ApiError (400): a target without exactly one assistant or squad, iterations out
/// of 1..kMaxIterations, an entry that names neither a simulation nor a scenario and a personality
/// (or both an id and an inline one).
void check_simulation_run_request(const boost::json::object& body);

/// Whether the request's `transport.provider` asks for voice simulations (vapi.websocket).
bool wants_voice(const boost::json::object& body);

/// Concurrency slots an item takes while it plays: a voice item two (the tester's and the
/// target's call), a chat item one.
std::int64_t item_slots(bool voice);
/// Whether an item needing `slots` may start with `active` slots of the org's `limit` in use: it
/// fits, or nothing of the org plays (so a voice item still runs, alone, under a limit of 1).
bool slots_free(std::int64_t active, std::int64_t slots, std::int64_t limit);

/// Whether a call's `endedReason` says it broke (a provider, the pipeline, the assistant)
/// rather than ended as calls do (either side hung up, a timeout, max duration).
bool call_ended_in_error(std::string_view ended_reason);

/// SimulationRunItemCallMetadata of a voice item from its ended call (a Call document): the
/// call's transcript, its messages in OpenAI format, its recordingUrl and monitor.listenUrl
/// when it has them.
boost::json::object voice_call_metadata(const boost::json::object& call);

/// SimulationRunItemCounts of `items` (SimulationRunItem documents).
boost::json::object item_counts(const boost::json::array& items);

/// The item statuses that end an item.
bool item_ended(std::string_view status);

/// The transcript of target-side messages (OpenAI format: the assistant is the target, the
/// user the tester): "AI: ..." and "User: ..." lines; tool traffic left out.
std::string transcript_of(const boost::json::array& messages);

/// The extraction of one structured output (a CreateStructuredOutputDTO) from `transcript`:
/// the system prompt (the conversation, the schema, how to answer) and the question (the
/// output's name and description).
struct ExtractionPrompt {
  std::string system;
  std::string question;
};
ExtractionPrompt extraction_prompt(const boost::json::object& structured_output,
                                   std::string_view transcript);

/// The value a model answered (JSON text, possibly in a ``` fence), at `path` (dot notation)
/// when given, checked against the schema's primitive `type`. Returns the value, or sets
/// `error` and returns nullopt.
std::optional<boost::json::value> read_extracted(std::string_view answer,
                                                 const boost::json::object& schema,
                                                 std::string_view path, std::string& error);

/// The payload of a scenario hook's webhook for `event` ("simulation.run.started" or
/// "simulation.run.ended") about `item` (a SimulationRunItem as stored): the ids, and for an
/// ended item whether it was canceled, its failureReason, times, and the transcript and
/// messages when `include` (SimulationHookInclude) asks for them.
boost::json::object hook_message(const boost::json::object& item, std::string_view event,
                                 const boost::json::object& include);

/// `extracted <comparator> expected` (=, !=, and for numbers >, <, >=, <=).
bool compare_values(std::string_view comparator, const boost::json::value& extracted,
                    const boost::json::value& expected);

}  // namespace sb::evals
