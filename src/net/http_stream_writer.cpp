// A response whose body the handler produces over time (http::Response::stream).
#include <array>
#include <memory>
#include <variant>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "http/body_stream.hpp"
#include "net/http_server_impl.hpp"
#include "net/wire_format.hpp"

namespace sb::net {
namespace {

// What a client may send (pipelined requests) while its response streams: kept for the next
// exchange up to this much; past it the rest is dropped and the connection closes after the
// stream, so a client cannot grow the buffer without bound.
constexpr std::size_t kPipelinedKeep = 64 * 1024;

// Wakes a connection's coroutine from the producer's thread. `ready` is set on the
// connection's strand before the timer is cancelled, so a wake-up that lands while the
// coroutine is not waiting on the timer is not lost.
struct Wake {
  explicit Wake(asio::any_io_executor executor)
      : timer(std::move(executor), asio::steady_timer::time_point::max()) {}
  asio::steady_timer timer;
  bool ready = false;
};

// One gathered write: `head` (the response head, or ""), then `data` framed as a chunk when
// `chunked`, then the last chunk when `last`. Under the send timeout.
asio::awaitable<bool> write_chunk(Connection& c, std::string_view head, std::string_view data,
                                  bool last, bool chunked) {
  c.enter(Phase::kWriting);
  const ChunkFrame frame = chunked ? chunk_frame(data.size(), last) : ChunkFrame{};
  const std::array<asio::const_buffer, 4> buffers{asio::buffer(head), asio::buffer(frame.head),
                                                  asio::buffer(data), asio::buffer(frame.tail)};
  auto [ec, bytes] = co_await asio::async_write(c.socket, buffers, kTuple);
  co_return !ec;
}

// Waits until the producer has something for take(). Meanwhile reads from the client, so one
// that closes or resets is noticed at once, as is a shutdown or eviction closing the socket;
// what it sends is kept in `buffer` for the next exchange (kPipelinedKeep at most, then
// dropped and `overflowed` set). False when the client is gone.
asio::awaitable<bool> await_producer(Connection& c, http::BodyStream& stream,
                                     beast::flat_buffer& buffer, bool& overflowed) {
  using namespace asio::experimental::awaitable_operators;
  auto wake = std::make_shared<Wake>(c.socket.get_executor());
  // Runs on the producer's thread: hop to the connection's strand.
  stream.when_ready([wake] {
    asio::post(wake->timer.get_executor(), [wake] {
      wake->ready = true;
      wake->timer.cancel();
    });
  });
  while (!wake->ready) {
    auto result = co_await (wake->timer.async_wait(kTuple) ||
                            c.socket.async_read_some(buffer.prepare(kReadSize), kTuple));
    if (result.index() == 0) continue;  // woken: `ready` is set
    auto [ec, n] = std::get<1>(result);
    if (ec) co_return false;
    if (!overflowed) buffer.commit(n);  // else the uncommitted bytes are overwritten next time
    overflowed = overflowed || buffer.size() > kPipelinedKeep;
  }
  co_return true;
}

}  // namespace

asio::awaitable<Streamed> write_stream(Connection& c, beast::flat_buffer& buffer, std::string head,
                                       std::shared_ptr<http::BodyStream> stream, bool chunked,
                                       bool head_only) {
  Streamed out;
  if (head_only) {
    stream->cancel();
    out.complete = co_await write_chunk(c, head, {}, false, chunked);
    co_return out;
  }
  bool head_sent = false;
  for (;;) {
    const http::BodyStream::Batch batch = stream->take();
    if (head_sent && batch.data.empty() && !batch.closed) {
      c.enter(Phase::kHandling);  // the producer has its own timeouts
      if (!co_await await_producer(c, *stream, buffer, out.overflowed)) break;
      continue;
    }
    const std::string_view prefix = head_sent ? std::string_view() : std::string_view(head);
    if (!co_await write_chunk(c, prefix, batch.data, batch.closed, chunked)) break;
    head_sent = true;
    out.bytes += batch.data.size();
    if (batch.closed) {
      out.complete = true;
      co_return out;
    }
  }
  stream->cancel();
  co_return out;
}

}  // namespace sb::net
