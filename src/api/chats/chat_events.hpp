#pragma once
// The wire shapes of a chat's answer: the Chat API's Server-Sent Events, and OpenAI's
// Responses API objects and events for POST /chat/responses. Pure formatting.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace sb::api::chat_events {

/// `data: {"id","sessionId"?,"path":"chat.output[i].content","delta"}` and a blank line.
std::string chat_delta(std::string_view chat_id, std::string_view session_id,
                       std::size_t output_index, std::string_view delta);
/// `event: error` with {"id","statusCode","message","error"}: a failure after the stream began.
std::string chat_error(std::string_view chat_id, int status, std::string_view message);

/// All assistant text of a stored chat's output, joined: what /chat/responses answers.
std::string output_text(const boost::json::object& chat);

/// A Responses API response object for `chat` (status "completed"), or the in-progress
/// skeleton when `chat` is null.
boost::json::object response_object(std::string_view response_id, std::string_view item_id,
                                    std::string_view model, std::int64_t created_at,
                                    const boost::json::object* chat);

/// The Responses stream, event by event (`event: <type>` + `data: <json>`), each numbered.
class ResponseEvents {
 public:
  ResponseEvents(std::string response_id, std::string model, std::int64_t created_at);
  /// response.created, response.output_item.added, response.content_part.added.
  std::string opening();
  std::string delta(std::string_view text);
  /// output_text.done, content_part.done, output_item.done, response.completed.
  std::string closing(const boost::json::object& chat);
  std::string error(int status, std::string_view message);

 private:
  std::string event(std::string_view type, boost::json::object data);

  std::string response_id_;
  std::string item_id_;
  std::string model_;
  std::int64_t created_at_;
  std::int64_t sequence_ = 0;
};

}  // namespace sb::api::chat_events
