#include "audit/ordered_pool.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

// Items take uneven time (the 0th the longest) yet arrive in index order, and
// no more than `window` results ever wait.
TEST(RunOrdered, EmitsInIndexOrderWithABoundedWindow) {
  for (int jobs : {1, 2, 8}) {
    const size_t count = 200, window = 12;
    std::atomic<int> pending{0};
    int most_pending = 0;
    std::vector<size_t> order;
    RunOrdered<std::string>(
        count, jobs, window,
        [&](size_t i) {
          std::this_thread::sleep_for(std::chrono::microseconds(i == 0 ? 20000 : (i * 37) % 500));
          ++pending;
          return std::to_string(i);
        },
        [&](size_t i, std::string s) {
          --pending;  // this one is written; the others wait
          most_pending = std::max(most_pending, pending.load());
          EXPECT_EQ(s, std::to_string(i));
          order.push_back(i);
        });
    ASSERT_EQ(order.size(), count) << jobs;
    for (size_t i = 0; i < count; ++i) EXPECT_EQ(order[i], i) << jobs;
    EXPECT_LE(most_pending, static_cast<int>(window)) << jobs;
  }
}

TEST(RunOrdered, NothingToDo) {
  int emitted = 0;
  RunOrdered<int>(0, 4, 8, [](size_t) { return 1; }, [&](size_t, int) { ++emitted; });
  EXPECT_EQ(emitted, 0);
}

}  // namespace
}  // namespace onnx_flops
