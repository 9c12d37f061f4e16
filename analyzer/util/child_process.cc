#include "analyzer/util/child_process.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <new>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

extern char** environ;

namespace onnx_flops {
namespace {

using Clock = std::chrono::steady_clock;

// A frame longer than this is a child gone wrong, not an answer.
constexpr uint64_t kMaxFrame = uint64_t{1} << 36;
// How long a new child may take to say hello (it loads shared libraries).
constexpr double kStartSeconds = 30;

bool SendAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool SendFrame(int fd, absl::string_view bytes) {
  unsigned char header[8];
  uint64_t size = bytes.size();
  for (int i = 0; i < 8; ++i) header[i] = static_cast<unsigned char>(size >> (8 * i));
  return SendAll(fd, reinterpret_cast<const char*>(header), sizeof header) &&
         SendAll(fd, bytes.data(), bytes.size());
}

enum class ReadStatus { kOk, kClosed, kTimedOut };

// Reads exactly `size` bytes by `deadline` (none when `deadline` is max()).
ReadStatus RecvAll(int fd, char* data, size_t size, Clock::time_point deadline) {
  while (size > 0) {
    int wait_ms = -1;
    if (deadline != Clock::time_point::max()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return ReadStatus::kTimedOut;
      wait_ms = static_cast<int>(std::min<int64_t>(left.count() + 1, 1 << 30));
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return ReadStatus::kClosed;
    }
    if (ready == 0) continue;  // the deadline check above decides
    const ssize_t n = recv(fd, data, size, 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return ReadStatus::kClosed;
    }
    if (n == 0) return ReadStatus::kClosed;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return ReadStatus::kOk;
}

ReadStatus RecvFrame(int fd, std::string* out, Clock::time_point deadline) {
  unsigned char header[8];
  ReadStatus s = RecvAll(fd, reinterpret_cast<char*>(header), sizeof header, deadline);
  if (s != ReadStatus::kOk) return s;
  uint64_t size = 0;
  for (int i = 0; i < 8; ++i) size |= static_cast<uint64_t>(header[i]) << (8 * i);
  if (size > kMaxFrame) return ReadStatus::kClosed;
  out->resize(size);
  return RecvAll(fd, out->data(), size, deadline);
}

Clock::time_point DeadlineAfter(double seconds) {
  if (seconds <= 0) return Clock::time_point::max();
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(std::min(seconds, 1e7)));
}

std::string Seconds(double s) { return absl::StrFormat("%g s", s); }

std::string Mebibytes(int64_t bytes) { return absl::StrCat(bytes >> 20, " MiB"); }

}  // namespace

std::string SignalName(int signal) {
  switch (signal) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGTRAP: return "SIGTRAP";
    case SIGSYS: return "SIGSYS";
    case SIGXCPU: return "SIGXCPU";
    default: return absl::StrCat("signal ", signal);
  }
}

bool MemoryLimitsSupported() {
#if defined(__SANITIZE_ADDRESS__)
  return false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return false;
#else
  return true;
#endif
#else
  return true;
#endif
}

std::string SelfExecutable() {
  char buf[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

int64_t PhysicalMemoryBytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 0;
  return static_cast<int64_t>(pages) * page;
}

ChildPool::ChildPool(std::vector<std::string> argv, std::string hello, ChildLimits limits,
                     bool child_stderr)
    : argv_(std::move(argv)), hello_(std::move(hello)), limits_(limits),
      child_stderr_(child_stderr) {}

ChildPool::~ChildPool() {
  // Closing the socket is a child's cue to exit; reap it so none is left.
  for (Child& c : idle_) Finish(&c, ChildFailure::kNone, "");
}

ChildResult ChildPool::Start(Child* child) {
  ChildResult result;
  auto unavailable = [&](std::string why) {
    result.failure = ChildFailure::kUnavailable;
    result.detail = std::move(why);
    return result;
  };
  if (argv_.empty()) return unavailable("no program to start");
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return unavailable(absl::StrCat("socketpair: ", strerror(errno)));
  }
  // Above kChildFd, so that dup2 to it really copies (and drops CLOEXEC).
  const int child_end = fcntl(sv[1], F_DUPFD_CLOEXEC, 10);
  close(sv[1]);
  if (child_end < 0) {
    close(sv[0]);
    return unavailable(absl::StrCat("fcntl: ", strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  if (!child_stderr_) posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, child_end, kChildFd);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The caller may block or ignore signals (a Python host, a batch driver
  // that ignores SIGPIPE): the child starts with the defaults.
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  for (const std::string& a : argv_) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int err = posix_spawn(&pid, argv_[0].c_str(), &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(child_end);
  if (err != 0) {
    close(sv[0]);
    return unavailable(absl::StrCat("cannot start ", argv_[0], ": ", strerror(err)));
  }
  child->pid = pid;
  child->fd = sv[0];
  if (limits_.max_memory_bytes > 0 && MemoryLimitsSupported()) {
    // Set from here rather than by the child: the limit is the pool's, and
    // the child has allocated nothing that matters before its first request.
    rlimit limit{static_cast<rlim_t>(limits_.max_memory_bytes),
                 static_cast<rlim_t>(limits_.max_memory_bytes)};
    prlimit(pid, RLIMIT_DATA, &limit, nullptr);
  }
  std::string hello;
  const ReadStatus s = RecvFrame(child->fd, &hello, DeadlineAfter(kStartSeconds));
  if (s != ReadStatus::kOk || hello != hello_) {
    const std::string why =
        s == ReadStatus::kTimedOut
            ? absl::StrCat(argv_[0], " did not answer in ", Seconds(kStartSeconds))
            : absl::StrCat(argv_[0], " is not a matching onnx-flops (expected '", hello_, "')");
    Finish(child, ChildFailure::kUnavailable, "");
    return unavailable(why);
  }
  return result;
}

ChildResult ChildPool::Finish(Child* child, ChildFailure failure, std::string detail) {
  ChildResult result;
  result.failure = failure;
  result.detail = std::move(detail);
  if (child->fd >= 0) close(child->fd);
  child->fd = -1;
  if (child->pid <= 0) return result;
  if (failure == ChildFailure::kTimedOut) kill(child->pid, SIGKILL);
  // A child that closed its socket is on its way out; one that lingers is
  // stopped rather than waited for.
  int status = 0;
  pid_t done = 0;
  const auto give_up = Clock::now() + std::chrono::seconds(2);
  while ((done = waitpid(child->pid, &status, WNOHANG)) == 0 && Clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (done == 0) {
    kill(child->pid, SIGKILL);
    done = waitpid(child->pid, &status, 0);
  }
  child->pid = -1;
  if (failure != ChildFailure::kCrashed || done <= 0) return result;
  if (WIFSIGNALED(status)) {
    result.detail = SignalName(WTERMSIG(status));
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == kChildOutOfMemoryExit) {
    result.failure = ChildFailure::kOutOfMemory;
    result.detail = Mebibytes(limits_.max_memory_bytes);
  } else if (WIFEXITED(status)) {
    result.detail = absl::StrCat("exit status ", WEXITSTATUS(status));
  }
  return result;
}

ChildResult ChildPool::Call(absl::string_view request) {
  Child child;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      child = idle_.back();
      idle_.pop_back();
    }
  }
  if (child.pid < 0) {
    ChildResult started = Start(&child);
    if (started.failure != ChildFailure::kNone) return started;
  }
  ChildResult result;
  const auto deadline = DeadlineAfter(limits_.timeout_seconds);
  // A child that died between requests fails the send or the read: either
  // way its exit status says what happened.
  if (!SendFrame(child.fd, request)) return Finish(&child, ChildFailure::kCrashed, "crashed");
  switch (RecvFrame(child.fd, &result.response, deadline)) {
    case ReadStatus::kOk:
      break;
    case ReadStatus::kTimedOut:
      return Finish(&child, ChildFailure::kTimedOut, Seconds(limits_.timeout_seconds));
    case ReadStatus::kClosed:
      return Finish(&child, ChildFailure::kCrashed, "crashed");
  }
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(child);
  return result;
}

int ServeChildRequests(absl::string_view hello,
                       const std::function<std::string(const std::string&)>& handler) {
  // Under the pool's RLIMIT_DATA an allocation fails: say so by the exit
  // status instead of dying of an uncaught std::bad_alloc (SIGABRT).
  std::set_new_handler([] { _exit(kChildOutOfMemoryExit); });
  if (!SendFrame(kChildFd, hello)) return 1;
  std::string request;
  while (RecvFrame(kChildFd, &request, Clock::time_point::max()) == ReadStatus::kOk) {
    if (!SendFrame(kChildFd, handler(request))) return 1;
  }
  return 0;
}

}  // namespace onnx_flops
