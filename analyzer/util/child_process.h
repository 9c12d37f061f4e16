// Requests answered by child processes that may crash, hang or run out of
// memory without taking the caller down.
//
// A child is a program (our own binary in a hidden mode) started with
// posix_spawn, never fork(): the callers are multi-threaded (batch mode, the
// Python module), and a forked copy of a process whose other threads hold
// locks can deadlock. Parent and child talk over a Unix socket pair on the
// child's fd 3, in frames of an 8-byte length then the bytes; a child serves
// requests until the socket closes, so one start (and its one-time set-up,
// such as ONNX's 20 ms schema registry) serves many requests.
#ifndef ONNX_FLOPS_ANALYZER_UTIL_CHILD_PROCESS_H_
#define ONNX_FLOPS_ANALYZER_UTIL_CHILD_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace onnx_flops {

// The child's end of the socket.
constexpr int kChildFd = 3;
// A child whose allocation failed under its memory limit exits with this.
constexpr int kChildOutOfMemoryExit = 86;

struct ChildLimits {
  double timeout_seconds = 0;    // per request; 0: none
  int64_t max_memory_bytes = 0;  // the child's data segment (RLIMIT_DATA); 0: none
};

enum class ChildFailure { kNone, kCrashed, kTimedOut, kOutOfMemory, kUnavailable };

struct ChildResult {
  ChildFailure failure = ChildFailure::kNone;
  std::string response;  // the answer, when failure is kNone
  // What happened, for a message: "SIGSEGV", "exit status 1", "60 s",
  // "4096 MiB", or why the child could not start.
  std::string detail;
};

// "SIGSEGV" for 11, "signal 64" for one without a name.
std::string SignalName(int signal);

// Whether this build can limit a child's memory: not under AddressSanitizer,
// whose shadow memory is terabytes of reserved address space.
bool MemoryLimitsSupported();

// The running program's own path (/proc/self/exe), "" when it cannot be read:
// what a process starts to get a child of its own kind.
std::string SelfExecutable();

// Physical memory of the machine in bytes (0 when unknown).
int64_t PhysicalMemoryBytes();

// A set of identical children, started on demand and reused; thread-safe.
// A child that failed is reaped and replaced by a new one on the next call.
class ChildPool {
 public:
  // argv[0] is the program's path. `hello` is what a child must send first
  // (a check that the program is the one we mean and speaks this protocol).
  ChildPool(std::vector<std::string> argv, std::string hello, ChildLimits limits,
            bool child_stderr = false);
  ~ChildPool();
  ChildPool(const ChildPool&) = delete;
  ChildPool& operator=(const ChildPool&) = delete;

  ChildResult Call(absl::string_view request);
  const ChildLimits& limits() const { return limits_; }

 private:
  struct Child {
    pid_t pid = -1;
    int fd = -1;
  };
  ChildResult Start(Child* child);
  ChildResult Finish(Child* child, ChildFailure failure, std::string detail);

  const std::vector<std::string> argv_;
  const std::string hello_;
  const ChildLimits limits_;
  const bool child_stderr_;
  std::mutex mu_;
  std::vector<Child> idle_;
};

// The child's side: sends `hello`, then answers every request on kChildFd
// with `handler` until the parent closes the socket. Installs a new-handler
// that exits with kChildOutOfMemoryExit. Returns the process exit status.
int ServeChildRequests(absl::string_view hello,
                       const std::function<std::string(const std::string&)>& handler);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_UTIL_CHILD_PROCESS_H_
