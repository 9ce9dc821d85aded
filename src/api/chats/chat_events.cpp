#include "api/chats/chat_events.hpp"

#include "core/ids.hpp"
#include "core/json_text.hpp"
#include "http/message.hpp"

namespace sb::api::chat_events {
namespace json = boost::json;

namespace {

std::string data_line(const json::object& data) {
  return "data: " + json_text(data) + "\n\n";
}

json::object error_body(int status, std::string_view message) {
  return {{"statusCode", status}, {"message", message}, {"error", http::reason_phrase(status)}};
}

json::object usage_of(const json::object& chat) {
  std::int64_t input = 0, output = 0;
  if (const auto* costs = chat.if_contains("costs"); costs && costs->is_array())
    for (const auto& c : costs->get_array()) {
      if (!c.is_object()) continue;
      const auto& cost = c.get_object();
      if (const auto* p = cost.if_contains("promptTokens")) input += p->to_number<std::int64_t>();
      if (const auto* o = cost.if_contains("completionTokens"))
        output += o->to_number<std::int64_t>();
    }
  return {{"input_tokens", input}, {"output_tokens", output}, {"total_tokens", input + output}};
}

json::object message_item(std::string_view item_id, std::string_view text, bool done) {
  json::array content;
  if (done)
    content.push_back(
        json::object{{"type", "output_text"}, {"text", text}, {"annotations", json::array()}});
  return {{"id", item_id},
          {"type", "message"},
          {"role", "assistant"},
          {"status", done ? "completed" : "in_progress"},
          {"content", std::move(content)}};
}

}  // namespace

std::string chat_delta(std::string_view chat_id, std::string_view session_id,
                       std::size_t output_index, std::string_view delta) {
  json::object data{{"id", chat_id}};
  if (!session_id.empty()) data["sessionId"] = session_id;
  data["path"] = "chat.output[" + std::to_string(output_index) + "].content";
  data["delta"] = delta;
  return data_line(data);
}

std::string chat_error(std::string_view chat_id, int status, std::string_view message) {
  auto data = error_body(status, message);
  data["id"] = chat_id;
  return "event: error\n" + data_line(data);
}

std::string output_text(const json::object& chat) {
  std::string text;
  const auto* output = chat.if_contains("output");
  if (!output || !output->is_array()) return text;
  for (const auto& m : output->get_array()) {
    if (!m.is_object()) continue;
    const auto& message = m.get_object();
    const auto* role = message.if_contains("role");
    const auto* content = message.if_contains("content");
    if (role && role->is_string() && role->get_string() == "assistant" && content &&
        content->is_string())
      text += content->get_string();
  }
  return text;
}

json::object response_object(std::string_view response_id, std::string_view item_id,
                             std::string_view model, std::int64_t created_at,
                             const json::object* chat) {
  json::object r{{"id", response_id},        {"object", "response"},
                 {"created_at", created_at}, {"status", chat ? "completed" : "in_progress"},
                 {"error", nullptr},         {"model", model}};
  json::array output;
  if (chat) {
    output.push_back(message_item(item_id, output_text(*chat), true));
    r["usage"] = usage_of(*chat);
  }
  r["output"] = std::move(output);
  return r;
}

ResponseEvents::ResponseEvents(std::string response_id, std::string model, std::int64_t created_at)
    : response_id_(std::move(response_id)),
      item_id_("msg_" + response_id_),
      model_(std::move(model)),
      created_at_(created_at) {}

std::string ResponseEvents::event(std::string_view type, json::object data) {
  data["type"] = type;
  data["sequence_number"] = sequence_++;
  return "event: " + std::string(type) + "\n" + data_line(data);
}

std::string ResponseEvents::opening() {
  std::string out =
      event("response.created",
            {{"response", response_object(response_id_, item_id_, model_, created_at_, nullptr)}});
  out += event("response.output_item.added",
               {{"output_index", 0}, {"item", message_item(item_id_, "", false)}});
  out += event(
      "response.content_part.added",
      {{"item_id", item_id_},
       {"output_index", 0},
       {"content_index", 0},
       {"part",
        json::object{{"type", "output_text"}, {"text", ""}, {"annotations", json::array()}}}});
  return out;
}

std::string ResponseEvents::delta(std::string_view text) {
  return event("response.output_text.delta",
               {{"item_id", item_id_}, {"output_index", 0}, {"content_index", 0}, {"delta", text}});
}

std::string ResponseEvents::closing(const json::object& chat) {
  const auto text = output_text(chat);
  std::string out =
      event("response.output_text.done",
            {{"item_id", item_id_}, {"output_index", 0}, {"content_index", 0}, {"text", text}});
  out += event(
      "response.content_part.done",
      {{"item_id", item_id_},
       {"output_index", 0},
       {"content_index", 0},
       {"part",
        json::object{{"type", "output_text"}, {"text", text}, {"annotations", json::array()}}}});
  out += event("response.output_item.done",
               {{"output_index", 0}, {"item", message_item(item_id_, text, true)}});
  out += event("response.completed",
               {{"response", response_object(response_id_, item_id_, model_, created_at_, &chat)}});
  return out;
}

std::string ResponseEvents::error(int status, std::string_view message) {
  return event("error",
               {{"code", std::to_string(status)}, {"message", message}, {"param", nullptr}});
}

}  // namespace sb::api::chat_events
