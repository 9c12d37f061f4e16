// Runs work(i) for i in [0, count) on `jobs` threads and hands each result to
// emit(i, result) on the calling thread in index order, whatever the timing.
// At most `window` results wait to be emitted, so memory stays flat however
// many items there are: a worker that runs ahead of a slow item waits.
#ifndef ONNX_FLOPS_AUDIT_ORDERED_POOL_H_
#define ONNX_FLOPS_AUDIT_ORDERED_POOL_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace onnx_flops {

template <typename Result>
void RunOrdered(size_t count, int jobs, size_t window,
                const std::function<Result(size_t)>& work,
                const std::function<void(size_t, Result)>& emit,
                const std::function<void()>& tick = nullptr) {
  if (jobs < 1) jobs = 1;
  if (window < static_cast<size_t>(jobs)) window = static_cast<size_t>(jobs);
  std::mutex mu;
  std::condition_variable may_claim, may_emit;
  size_t next_claim = 0, next_emit = 0;
  std::map<size_t, Result> ready;

  auto worker = [&] {
    for (;;) {
      size_t i;
      {
        std::unique_lock<std::mutex> lock(mu);
        may_claim.wait(lock, [&] { return next_claim >= count || next_claim < next_emit + window; });
        if (next_claim >= count) return;
        i = next_claim++;
      }
      Result r = work(i);
      {
        std::lock_guard<std::mutex> lock(mu);
        ready.emplace(i, std::move(r));
      }
      may_emit.notify_one();
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(jobs));
  for (int t = 0; t < jobs; ++t) threads.emplace_back(worker);

  while (next_emit < count) {
    std::unique_lock<std::mutex> lock(mu);
    auto it = ready.find(next_emit);
    if (it == ready.end()) {
      // Wake up now and then even when nothing finished, so a progress
      // display can show the time passing.
      may_emit.wait_for(lock, std::chrono::milliseconds(200));
      lock.unlock();
      if (tick) tick();
      continue;
    }
    Result r = std::move(it->second);
    ready.erase(it);
    const size_t i = next_emit++;
    lock.unlock();
    may_claim.notify_all();
    emit(i, std::move(r));
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_AUDIT_ORDERED_POOL_H_
