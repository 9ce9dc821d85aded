#pragma once
// One simulation run item as the runner plays it (simulation_runner.cpp, its evaluation in
// simulation_evaluation.cpp, voice items in simulation_voice.cpp). Private to the runner.

#include <atomic>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "runtime/chat/chat_engine.hpp"
#include "runtime/evals/simulated_caller.hpp"
#include "runtime/evals/simulation_runner.hpp"

namespace sb::evals {

struct SimulationRunner::Item {
  std::string org_id;
  std::string run_id;
  std::string id;
  bool voice = false;            // transport vapi.websocket: played in a call of the target
  boost::json::object holder;    // the target: {"assistantId"|...}
  boost::json::object scenario;  // as stored or inline
  boost::json::object personality;
  std::vector<std::pair<boost::json::object, boost::json::object>>
      evaluations;  // (plan item, output)
  // Resolved when the item starts.
  std::vector<chat::ResolvedAssistant> target;
  std::vector<chat::ResolvedAssistant> tester;
  std::map<std::string, std::string> keys;
  std::optional<boost::json::object> org_server;
  // The conversation: the target's side (assistant = target, user = tester). In a voice item
  // the target's words as its call transcribed them and the tester's as it wrote them; guarded
  // by `mutex` there (the caller's strand and the tester's model answer both touch it).
  std::mutex mutex;
  boost::json::array transcript;
  int turns = 0;
  std::atomic<bool> canceled{false};
  boost::json::array results;
  bool passed = true;
  std::string failure;
  // Voice items only.
  boost::json::object tester_voice;  // the voice the tester speaks with
  std::map<std::string, boost::json::object, std::less<>> speech_credentials;
  std::string call_id;  // once the call exists
  std::shared_ptr<SimulatedCaller> caller;
  bool tester_busy = false;  // the tester's model is answering (under `mutex`)
  std::string broke;         // why the conversation cannot be evaluated ("" while it can)
  boost::json::object call;  // the ended call
};

/// Whether the tester's answer calls endCall.
bool tester_ends(const boost::json::object& message);
/// What an error (an ApiError's messages, an exception's what()) says.
std::string describe_error(std::exception_ptr error);

}  // namespace sb::evals
