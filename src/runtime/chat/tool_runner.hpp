#pragma once
// Runs the tool calls a model asked for and turns each into the text the model reads back.
// `function` tools (and any other tool with a server) go to the customer's server as one
// `tool-calls` server message per batch; `apiRequest` tools call their own URL. A failure of
// any kind (no server, timeout, a non-2xx answer, a reply without that call's result) becomes
// that call's error text for the model — never a failed chat. Handoffs are not run here: the
// engine moves the chat to another assistant itself.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "runtime/llm/llm_client.hpp"

namespace sb::net {
class HttpClient;
}
namespace sb::webhooks {
class Deliveries;
}

namespace sb::chat {

/// One call to run: what the model asked for and the tool's configuration (a Vapi tool object:
/// {"type": "function", "function": {...}, "server": {...}} or {"type": "apiRequest", "url",
/// "method", "headers", "body", "timeoutSeconds", ...}).
struct ToolInvocation {
  llm::ToolCall call;
  boost::json::object tool;
};

/// What the model reads back for one call, in the order of the invocations.
struct ToolOutcome {
  std::string tool_call_id;
  std::string name;
  std::string content;  ///< the result, or "Error: ..." when it failed
  bool failed = false;
};

/// What the server message needs to say where the calls come from.
struct ToolContext {
  std::string org_id;
  boost::json::object assistant;                  ///< the assistant running (its `server`)
  std::optional<boost::json::object> org_server;  ///< the org's server, last in precedence
  boost::json::object chat;                       ///< {"id", "sessionId"?, ...} for the message
  std::optional<boost::json::object> customer;
  /// The whole batch may not take longer than this.
  std::chrono::milliseconds deadline{30'000};
};

/// Stops a batch in flight: what it still waits for is cut where the runner can cut it.
/// `done` may still run afterwards (at most once, as always); the caller ignores it. Any
/// thread, idempotent, harmless once the batch is done.
using CancelTools = std::function<void()>;

/// What runs a batch of tool calls for the engine; an interface so tests script the tools.
class Tools {
 public:
  virtual ~Tools() = default;
  /// Runs every call (concurrently), then calls `done` once, on any thread, with one outcome
  /// per invocation in the same order. Never throws. `done` may run before run() returns (on
  /// the caller's thread) when no call needs to wait, e.g. an empty batch or only failures;
  /// `context` is read before run() returns and need not outlive it. The result is callable.
  virtual CancelTools run(const ToolContext& context, std::vector<ToolInvocation> calls,
                          std::function<void(std::vector<ToolOutcome>)> done) const = 0;
};

/// Cancelling a batch cuts its apiRequest exchanges at once (their calls end "Error: request
/// failed: cancelled"); a `tool-calls` server message runs on to its deadline, as
/// webhooks::Deliveries::request cannot be called back.
class ToolRunner final : public Tools {
 public:
  /// `clock` stamps the server messages and is the "now" of apiRequest templates.
  ToolRunner(webhooks::Deliveries& deliveries, net::HttpClient& http,
             const Clock& clock = system_clock())
      : deliveries_(deliveries), http_(http), clock_(clock) {}

  CancelTools run(const ToolContext& context, std::vector<ToolInvocation> calls,
                  std::function<void(std::vector<ToolOutcome>)> done) const override;

 private:
  webhooks::Deliveries& deliveries_;
  net::HttpClient& http_;
  const Clock& clock_;
};

}  // namespace sb::chat
