#include "runtime/chat/chat_service.hpp"

#include <spdlog/spdlog.h>

#include <mutex>

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "domain/resources/resource_service.hpp"
#include "runtime/chat/chat_context.hpp"
#include "storage/store.hpp"

namespace sb::chat {
namespace json = boost::json;

namespace {

ChatFailure failure_of(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const ApiError& e) {
    std::string message;
    for (const auto& m : e.messages()) message += (message.empty() ? "" : "; ") + m;
    return {e.code(), std::move(message), ""};
  } catch (const std::exception& e) {
    spdlog::error("chat failed: {}", e.what());
  } catch (...) {
  }
  return {ErrorCode::kInternal, "Internal server error", ""};
}

const ChatFailure kCancelled{ErrorCode::kBadGateway, "cancelled", ""};

}  // namespace

// One chat, and its handle: a cancel before the turn started keeps it from starting; one
// after is the turn's. The turn is held weakly: its events hold the run, and a turn lives
// on in the callbacks of whatever it waits for.
struct ChatService::Run final : TurnHandle {
  std::string org_id;
  std::string chat_id;
  json::object body;
  ChatObserver observer;
  ChatContext context;

  std::mutex mutex;
  bool cancelled = false;
  std::weak_ptr<TurnHandle> turn;

  void cancel() override {
    std::shared_ptr<TurnHandle> running;
    {
      std::lock_guard lock(mutex);
      if (cancelled) return;
      cancelled = true;
      running = turn.lock();
    }
    if (running) running->cancel();
  }
  bool cancelled_before_start() {
    std::lock_guard lock(mutex);
    return cancelled;
  }
  // The turn started; a cancel that came while it was starting reaches it now.
  void started(std::shared_ptr<TurnHandle> started_turn) {
    {
      std::lock_guard lock(mutex);
      turn = started_turn;
      if (!cancelled) return;
    }
    started_turn->cancel();
  }
};

std::shared_ptr<TurnHandle> ChatService::create(std::string org_id, std::string chat_id,
                                                json::object body, ChatObserver observer) const {
  auto run = std::make_shared<Run>();
  run->org_id = std::move(org_id);
  run->chat_id = std::move(chat_id);
  run->body = std::move(body);
  run->observer = std::move(observer);
  try {
    check_chat_request(run->body);
  } catch (...) {
    run->observer.on_failure(failure_of(std::current_exception()));
    return run;
  }
  load(run);
  return run;
}

void ChatService::load(std::shared_ptr<Run> run) const {
  deps_.store.post_read([this, run](storage::Session& s) {
    std::exception_ptr error;
    try {
      run->context = load_chat_context(s, deps_, run->org_id, run->chat_id, run->body);
    } catch (...) {
      error = std::current_exception();
    }
    if (error) return run->observer.on_failure(failure_of(error));
    start(run);
  });
}

void ChatService::start(std::shared_ptr<Run> run) const {
  if (run->cancelled_before_start()) return run->observer.on_failure(kCancelled);
  auto conversation = run->context.conversation;
  conversation.access = [keys = run->context.keys,
                         &settings = deps_.providers](const ModelSetup& setup) {
    return model_access(setup, keys, settings);
  };
  ChatEvents events;
  events.on_delta = [run](std::size_t index, std::string_view delta) {
    return run->observer.on_delta(index, delta);
  };
  events.on_done = [this, run](ChatResult result) { store(run, std::move(result)); };
  events.on_failure = [run](ChatFailure failure) { run->observer.on_failure(std::move(failure)); };
  // A chat is cancelled when its client goes away: the observer hears what it heard before
  // the engine reported partial results, the provider exchange's "cancelled".
  events.on_cancelled = [run](ChatResult) { run->observer.on_failure(kCancelled); };
  run->started(deps_.engine.run(std::move(conversation), std::move(events)));
}

// One write: the chat, and its messages appended to its session (read inside the write, so
// a concurrent chat's append is never lost and the two never interleave).
void ChatService::store(std::shared_ptr<Run> run, ChatResult result) const {
  auto& chat = run->context.chat;
  const auto& answering = run->context.conversation.assistants[result.assistant];
  if (result.assistant != 0 && !answering.id.empty()) chat["handoffAssistantId"] = answering.id;
  chat["output"] = std::move(result.output);
  chat["costs"] = std::move(result.costs);
  chat["cost"] = 0;
  deps_.store.post_write(
      [this, run](storage::Session& s) {
        auto& chat = run->context.chat;
        const auto now = format_iso8601(deps_.clock.wall_ms());
        chat["createdAt"] = now;
        chat["updatedAt"] = now;
        deps_.service.insert_document(s, deps_.specs.chats, chat);
        if (run->context.session_id.empty()) return;
        auto session =
            deps_.service.load(s, deps_.specs.sessions, run->org_id, run->context.session_id);
        auto& messages = session["messages"];
        if (!messages.is_array()) messages = json::array();
        const auto& chat_messages = chat.at("messages").as_array();
        for (std::size_t i = run->context.inherited; i < chat_messages.size(); ++i)
          messages.as_array().push_back(chat_messages[i]);
        for (const auto& m : chat.at("output").as_array()) messages.as_array().push_back(m);
        session["updatedAt"] = now;  // an append is an update like any other (session.updated)
        deps_.service.replace_document(s, deps_.specs.sessions, std::move(session));
      },
      [run](std::exception_ptr error) {
        if (error) return run->observer.on_failure(failure_of(error));
        run->observer.on_done(std::move(run->context.chat));
      });
}

}  // namespace sb::chat
