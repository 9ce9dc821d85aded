#include "api/chats/chat_routes.hpp"

#include <atomic>
#include <mutex>
#include <stdexcept>

#include "api/chats/chat_events.hpp"
#include "contract/contract.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "http/body_stream.hpp"
#include "http/error_response.hpp"
#include "http/router.hpp"
#include "runtime/chat/chat_service.hpp"

namespace sb::api {
namespace json = boost::json;

namespace {

// A streamed answer: the response (200, text/event-stream) goes out with the first bytes;
// a failure before them is an ordinary error response. Shared by the chat's callbacks,
// which may run on different threads.
class StreamReply {
 public:
  explicit StreamReply(http::Reply reply)
      : reply_(std::move(reply)), stream_(std::make_shared<http::BodyStream>()) {}

  /// False once the client has gone (the chat should stop).
  bool write(std::string_view bytes) {
    begin();
    return stream_->write(bytes);
  }
  void finish(std::string_view last_bytes) {
    begin();
    stream_->write(last_bytes);
    stream_->close();
  }
  void fail(const chat::ChatFailure& failure, std::string_view error_event) {
    {
      std::lock_guard lock(mutex_);
      if (!begun_) {
        begun_ = true;
        reply_(http::error_response(http::status_of(failure.code), failure.message));
        return;
      }
    }
    stream_->write(error_event);
    stream_->close();
  }
  /// Cancels `chat` as soon as the client goes away, not at its next write (a provider may
  /// be silent for long). Weak: the chat lives as long as it runs, not as long as the stream.
  void cancels(const std::shared_ptr<chat::TurnHandle>& chat) {
    stream_->on_cancel([weak = std::weak_ptr<chat::TurnHandle>(chat)] {
      if (auto live = weak.lock()) live->cancel();
    });
  }

 private:
  void begin() {
    std::lock_guard lock(mutex_);
    if (begun_) return;
    begun_ = true;
    http::Response response;
    response.status = 200;
    response.content_type = "text/event-stream; charset=utf-8";
    response.headers = {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}};
    response.stream = stream_;
    reply_(std::move(response));
  }

  std::mutex mutex_;
  bool begun_ = false;
  http::Reply reply_;
  std::shared_ptr<http::BodyStream> stream_;
};

chat::ChatObserver whole_answer(http::Reply reply,
                                std::function<http::Response(json::object)> render) {
  chat::ChatObserver observer;
  observer.on_delta = [](std::size_t, std::string_view) { return true; };
  observer.on_done = [reply, render = std::move(render)](json::object chat) {
    reply(render(std::move(chat)));
  };
  observer.on_failure = [reply](chat::ChatFailure f) {
    reply(http::error_response(http::status_of(f.code), f.message));
  };
  return observer;
}

}  // namespace

ChatRoutes::ChatRoutes(const contract::Contract& contract, const chat::ChatService& chats)
    : contract_(contract), chats_(chats) {}

int ChatRoutes::register_routes(http::Router& router) {
  auto add = [&](std::string path,
                 void (ChatRoutes::*handler)(http::Context&&, http::Reply) const) {
    const auto* op = contract_.operation("POST", path);
    if (!op) throw std::logic_error("no contract operation POST " + path);
    http::Route route;
    route.method = http::Method::kPost;
    route.path = std::move(path);
    route.operation = op;
    route.handler = [this, handler](http::Context&& ctx, http::Reply reply) {
      (this->*handler)(std::move(ctx), std::move(reply));
    };
    router.add(std::move(route));
  };
  add("/chat", &ChatRoutes::create_chat);
  add("/chat/responses", &ChatRoutes::create_response);
  return 2;
}

void ChatRoutes::create_chat(http::Context&& ctx, http::Reply reply) const {
  auto body = std::move(ctx.body.as_object());
  auto chat_id = new_uuid();
  if (!bool_at(body, "stream", false)) {
    auto observer = whole_answer(std::move(reply), [](json::object chat) {
      return http::Response::json(200, json_text(chat));
    });
    chats_.create(std::move(ctx.org_id), std::move(chat_id), std::move(body), std::move(observer));
    return;
  }
  auto stream = std::make_shared<StreamReply>(std::move(reply));
  const std::string session_id(string_at(body, "sessionId"));
  chat::ChatObserver observer;
  observer.on_delta = [stream, chat_id, session_id](std::size_t index, std::string_view delta) {
    return stream->write(chat_events::chat_delta(chat_id, session_id, index, delta));
  };
  observer.on_done = [stream](json::object) { stream->finish(""); };
  observer.on_failure = [stream, chat_id](chat::ChatFailure f) {
    stream->fail(f, chat_events::chat_error(chat_id, http::status_of(f.code), f.message));
  };
  stream->cancels(chats_.create(std::move(ctx.org_id), std::move(chat_id), std::move(body),
                                std::move(observer)));
}

// OpenAI's Responses API over the same chat: `model` (which the openai client always sends)
// is only echoed; the assistant decides the model.
void ChatRoutes::create_response(http::Context&& ctx, http::Reply reply) const {
  auto body = std::move(ctx.body.as_object());
  const std::string model(string_at(body, "model"));
  body.erase("model");
  auto chat_id = new_uuid();
  const auto created_at = now_ms() / 1000;
  if (!bool_at(body, "stream", true)) {
    auto observer = whole_answer(std::move(reply), [chat_id, model, created_at](json::object chat) {
      return http::Response::json(200, json_text(chat_events::response_object(
                                           chat_id, "msg_" + chat_id, model, created_at, &chat)));
    });
    chats_.create(std::move(ctx.org_id), std::move(chat_id), std::move(body), std::move(observer));
    return;
  }
  auto stream = std::make_shared<StreamReply>(std::move(reply));
  // Events are formatted under one lock: their sequence numbers follow the wire order.
  struct Sequence {
    Sequence(std::string id, std::string model, std::int64_t created)
        : events(std::move(id), std::move(model), created) {}
    std::mutex mutex;
    chat_events::ResponseEvents events;
    bool opened = false;
  };
  auto seq = std::make_shared<Sequence>(chat_id, model, created_at);
  auto opened = [seq]() -> std::string {
    if (seq->opened) return "";
    seq->opened = true;
    return seq->events.opening();
  };
  chat::ChatObserver observer;
  observer.on_delta = [stream, seq, opened](std::size_t, std::string_view delta) {
    std::lock_guard lock(seq->mutex);
    auto events = opened();  // numbered before the delta: the operands of + are unsequenced
    return stream->write(events + seq->events.delta(delta));
  };
  observer.on_done = [stream, seq, opened](json::object chat) {
    std::lock_guard lock(seq->mutex);
    auto events = opened();
    stream->finish(events + seq->events.closing(chat));
  };
  observer.on_failure = [stream, seq](chat::ChatFailure f) {
    std::lock_guard lock(seq->mutex);
    stream->fail(f, seq->events.error(http::status_of(f.code), f.message));
  };
  stream->cancels(chats_.create(std::move(ctx.org_id), std::move(chat_id), std::move(body),
                                std::move(observer)));
}

}  // namespace sb::api
