#pragma once
// What a call cost, in the shapes of the Call's `costs` / `costBreakdown` / `cost`. This server
// knows no provider's prices (the keys are the team's own), so every cost is 0; the amounts
// they would be priced on — minutes, the model's tokens, the voice's characters — are real.

#include <cstdint>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace sb::calls {

/// What a call used while it was live.
struct CallUsage {
  std::int64_t duration_ms = 0;     ///< from in-progress to ended
  boost::json::object transport;    ///< {"provider": ...}
  boost::json::object transcriber;  ///< the assistant's transcriber as configured ({} = built in)
  boost::json::object voice;        ///< the assistant's voice as configured ({} = built in)
  boost::json::array model_costs;   ///< ModelCost entries (tokens per provider + model)
  std::int64_t tts_characters = 0;
};

/// Adds the ModelCost entries of `costs` (a chat turn's costs: ModelCost and ChatCost) into
/// `into`, summing the tokens of entries for the same provider and model.
void merge_model_costs(boost::json::array& into, const boost::json::array& costs);

/// Sets `costs` (transport, transcriber, model per provider+model, voice, vapi), `costBreakdown`
/// and `cost` on `call`.
void add_costs(boost::json::object& call, const CallUsage& usage);

}  // namespace sb::calls
