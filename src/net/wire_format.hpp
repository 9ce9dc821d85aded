#pragma once
// Beast-free helpers between the wire and http::Request/Response, so the one Beast
// translation unit stays small: target parsing on the way in, the response head on the way out.

#include <cstddef>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace sb::net {

/// Splits an origin-form target ("/phone-number?limit=5") into the decoded path and the
/// decoded query ('+' reads as a space, as browsers and the SDK send it). False when the
/// target is not a valid origin-form URL.
bool parse_target(std::string_view target, http::Request& out);

/// The client's X-Request-Id when it is short and plain (letters, digits, '-', '_', '.'),
/// otherwise a fresh id.
std::string request_id_for(std::string_view client_supplied);

/// The status line and headers of `response` (Server, Date, Content-Type, Content-Length,
/// X-Request-Id, Connection, then the response's own headers), ending with the blank line.
/// The body is written after it as-is, without a copy. A streamed response (one with a
/// `stream`) has no Content-Length: HTTP/1.1 gets `Transfer-Encoding: chunked`, HTTP/1.0 none
/// (its body ends when the connection closes, so the caller passes keep_alive = false).
std::string response_head(const http::Response& response, std::string_view request_id,
                          unsigned version, bool keep_alive);

/// The chunked transfer coding around `size` body bytes: `head` goes before them, `tail`
/// after. No chunk is framed when `size` is 0 (a zero-size chunk would end the body); `last`
/// appends the last chunk that does end it.
struct ChunkFrame {
  std::string head;
  std::string_view tail;
};
ChunkFrame chunk_frame(std::size_t size, bool last);

/// The current time as an IMF-fixdate for the Date header, formatted at most once a second
/// per thread.
std::string_view http_date_now();

}  // namespace sb::net
