#include "telephony/sip/wake_queue.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <thread>
#include <vector>

namespace sb::telephony::sip {
namespace {

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

TEST(SipWakeQueue, WorkFromAnotherThreadWakesTheLoopAndRunsInOrder) {
  WakeQueue queue;
  queue.open();
  EXPECT_FALSE(readable(queue.fd()));
  std::vector<int> ran;
  std::thread other([&] {
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(queue.push([&ran, i] { ran.push_back(i); }));
  });
  other.join();
  EXPECT_TRUE(readable(queue.fd()));
  EXPECT_TRUE(ran.empty());  // nothing runs before the loop asks
  queue.run_ready();
  EXPECT_EQ(ran, (std::vector<int>{0, 1, 2}));
  EXPECT_FALSE(readable(queue.fd()));
}

TEST(SipWakeQueue, RefusesWorkUnlessOpenAndDropsItWhenClosed) {
  WakeQueue queue;
  int ran = 0;
  EXPECT_FALSE(queue.push([&] { ++ran; }));  // not open yet
  queue.open();
  EXPECT_TRUE(queue.push([&] { ++ran; }));
  queue.close();
  EXPECT_FALSE(queue.push([&] { ++ran; }));
  queue.run_ready();
  EXPECT_EQ(ran, 0);
}

}  // namespace
}  // namespace sb::telephony::sip
