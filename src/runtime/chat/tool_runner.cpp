#include "runtime/chat/tool_runner.hpp"

#include <exception>
#include <memory>
#include <mutex>
#include <utility>

#include "core/json_fields.hpp"
#include "net/http_client.hpp"
#include "runtime/chat/tool_calls.hpp"
#include "webhooks/webhooks.hpp"

namespace sb::chat {
namespace {

namespace json = boost::json;

using Done = std::function<void(std::vector<ToolOutcome>)>;
using Calls = std::shared_ptr<const std::vector<ToolInvocation>>;

// The outcomes of one run(), settled from any thread as its calls finish; the last one to
// settle hands them all to `done`. Settling a call twice keeps the first outcome, so a
// callback that runs after its sender threw cannot finish the batch early or twice. It also
// keeps the cuts of its exchanges in flight, for cancel().
class Batch {
 public:
  Batch(std::size_t size, Done done)
      : outcomes_(size), settled_(size, false), remaining_(size), done_(std::move(done)) {}

  /// An exchange of the batch, to cut on cancel() (at once if that was asked for already).
  void started(net::HttpClient::Cancel cut) {
    {
      std::lock_guard lock(mutex_);
      if (!cancelled_) {
        cuts_.push_back(std::move(cut));
        return;
      }
    }
    cut();
  }
  void cancel() {
    std::vector<net::HttpClient::Cancel> cuts;
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
      cuts = std::move(cuts_);
    }
    for (auto& cut : cuts) cut();
  }

  void settle(std::size_t index, ToolOutcome outcome) {
    Done done;
    std::vector<ToolOutcome> outcomes;
    {
      std::lock_guard lock(mutex_);
      if (settled_[index]) return;
      settled_[index] = true;
      outcomes_[index] = std::move(outcome);
      if (--remaining_ > 0) return;
      done = std::move(done_);
      outcomes = std::move(outcomes_);
    }
    done(std::move(outcomes));
  }

 private:
  std::mutex mutex_;
  std::vector<ToolOutcome> outcomes_;
  std::vector<bool> settled_;
  std::size_t remaining_;
  Done done_;
  bool cancelled_ = false;
  std::vector<net::HttpClient::Cancel> cuts_;
};

// The calls that go to one server URL, as one message.
struct ServerGroup {
  json::object server;
  std::vector<std::size_t> indices;
};

std::string type_of(const json::object& tool) {
  const auto* v = tool.if_contains("type");
  return v && v->is_string() ? std::string(v->get_string()) : "(none)";
}

void settle_failed(Batch& batch, const Calls& calls, std::size_t index, std::string_view why) {
  batch.settle(index, failed_outcome((*calls)[index].call, why));
}

// Where a call with a server goes: the tool's, else the assistant's, else the org's server.
std::optional<json::object> server_for(const ToolContext& context, const json::object& tool) {
  return webhooks::pick_server({object_at(tool, "server"), object_at(context.assistant, "server"),
                                context.org_server ? &*context.org_server : nullptr});
}

void add_to_group(std::vector<ServerGroup>& groups, json::object server, std::size_t index) {
  const auto& url = server.at("url").get_string();
  for (auto& group : groups) {
    if (group.server.at("url").get_string() == url) {
      group.indices.push_back(index);
      return;
    }
  }
  groups.push_back({std::move(server), {index}});
}

void settle_reply(Batch& batch, const Calls& calls, const std::vector<std::size_t>& indices,
                  const webhooks::Reply& reply) {
  std::vector<const ToolInvocation*> members;
  for (const std::size_t i : indices) members.push_back(&(*calls)[i]);
  auto outcomes = outcomes_from_reply(members, reply);
  for (std::size_t k = 0; k < indices.size(); ++k) batch.settle(indices[k], std::move(outcomes[k]));
}

void send_group(webhooks::Deliveries& deliveries, const ToolContext& context, EpochMs now,
                const std::shared_ptr<Batch>& batch, const Calls& calls, ServerGroup group) {
  std::vector<const ToolInvocation*> members;
  for (const std::size_t i : group.indices) members.push_back(&(*calls)[i]);
  auto message = tool_calls_message(context, members, now);
  auto on_reply = [batch, calls, indices = group.indices](webhooks::Reply reply) {
    try {
      settle_reply(*batch, calls, indices, reply);
    } catch (const std::exception& x) {
      for (const std::size_t i : indices) settle_failed(*batch, calls, i, x.what());
    }
  };
  batch->started(deliveries.request({context.org_id, std::move(group.server)}, std::move(message),
                                    context.deadline, std::move(on_reply)));
}

void send_api_request(net::HttpClient& http, const ToolContext& context, const Clock& clock,
                      const std::shared_ptr<Batch>& batch, const Calls& calls, std::size_t index) {
  const ToolInvocation& invocation = (*calls)[index];
  std::string error;
  auto request = api_request(invocation.tool, invocation.call, context.deadline, error, clock);
  if (!request) return settle_failed(*batch, calls, index, error);
  auto on_response = [batch, calls, index, url = request->url](net::OutboundResponse response) {
    try {
      batch->settle(index, api_outcome((*calls)[index].call, url, response));
    } catch (const std::exception& x) {
      settle_failed(*batch, calls, index, x.what());
    }
  };
  batch->started(http.send(std::move(*request), std::move(on_response)));
}

}  // namespace

CancelTools ToolRunner::run(const ToolContext& context, std::vector<ToolInvocation> calls,
                            std::function<void(std::vector<ToolOutcome>)> done) const {
  if (calls.empty()) {
    done({});
    return [] {};
  }
  const auto batch = std::make_shared<Batch>(calls.size(), std::move(done));
  const Calls shared = std::make_shared<const std::vector<ToolInvocation>>(std::move(calls));
  std::vector<ServerGroup> groups;
  // apiRequest calls start at once; the server groups once every call has found its group.
  for (std::size_t i = 0; i < shared->size(); ++i) {
    const ToolInvocation& invocation = (*shared)[i];
    try {
      const std::string type = type_of(invocation.tool);
      if (type == "apiRequest") {
        send_api_request(http_, context, clock_, batch, shared, i);
      } else if (type == "handoff" || (type != "function" && !invocation.tool.contains("server"))) {
        settle_failed(*batch, shared, i, "tool type " + type + " is not available in chats");
      } else if (auto server = server_for(context, invocation.tool)) {
        add_to_group(groups, std::move(*server), i);
      } else {
        settle_failed(*batch, shared, i,
                      "no server URL is configured for tool " + invocation.call.name);
      }
    } catch (const std::exception& x) {
      settle_failed(*batch, shared, i, x.what());
    }
  }
  for (auto& group : groups) {
    const auto indices = group.indices;
    try {
      send_group(deliveries_, context, clock_.wall_ms(), batch, shared, std::move(group));
    } catch (const std::exception& x) {
      for (const std::size_t i : indices) settle_failed(*batch, shared, i, x.what());
    }
  }
  // Weak: a batch lives as long as a call is in flight, not as long as its canceller.
  return [weak = std::weak_ptr<Batch>(batch)] {
    if (auto live = weak.lock()) live->cancel();
  };
}

}  // namespace sb::chat
