#include "net/timer.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <optional>

#include "core/manual_clock.hpp"

namespace sb::net {

namespace asio = boost::asio;

// Each arming gets a generation; a firing (real or manual) whose generation is no longer the
// current one was cancelled or replaced and does nothing. The manual path posts its callback
// to the executor, so it runs where a real timer's would.
struct Timer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor ex, const Clock& c)
      : executor(std::move(ex)), clock(c), manual(dynamic_cast<const ManualClock*>(&c)) {
    if (!manual) real.emplace(executor);
  }

  asio::any_io_executor executor;
  const Clock& clock;
  const ManualClock* manual;
  std::optional<asio::steady_timer> real;
  std::uint64_t generation = 0;
  std::optional<ManualClock::WakeId> wake;
  std::function<void()> fired;

  void fire(std::uint64_t armed) {
    if (armed != generation || !fired) return;
    wake.reset();
    auto callback = std::move(fired);
    fired = nullptr;
    callback();
  }

  void cancel() {
    ++generation;
    fired = nullptr;
    if (real) real->cancel();
    if (wake) manual->cancel(*wake);
    wake.reset();
  }
};

Timer::Timer(asio::any_io_executor executor, const Clock& clock)
    : impl_(std::make_shared<Impl>(std::move(executor), clock)) {}

Timer::~Timer() {
  impl_->cancel();
}

void Timer::arm(Clock::SteadyTime at, std::function<void()> fired) {
  impl_->cancel();
  impl_->fired = std::move(fired);
  const auto armed = impl_->generation;
  std::weak_ptr<Impl> weak = impl_;
  if (impl_->real) {
    impl_->real->expires_at(at);
    impl_->real->async_wait([weak, armed](boost::system::error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->fire(armed);
    });
    return;
  }
  impl_->wake = impl_->manual->wake_at(at, [weak, armed] {
    auto self = weak.lock();
    if (!self) return;
    asio::post(self->executor, [weak, armed] {
      if (auto s = weak.lock()) s->fire(armed);
    });
  });
}

void Timer::arm_after(std::chrono::milliseconds delay, std::function<void()> fired) {
  arm(impl_->clock.steady_now() + delay, std::move(fired));
}

void Timer::cancel() {
  impl_->cancel();
}

}  // namespace sb::net
