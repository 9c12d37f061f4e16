#include "tools/run_binary_testing.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

namespace fs = std::filesystem;

const std::string kBinary = ONNX_FLOPS_BINARY;

std::string ReadFd(int fd) {
  std::string data;
  lseek(fd, 0, SEEK_SET);
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  return data;
}

int TempFile() {
  std::string name = (fs::temp_directory_path() / "onnx_flops_cli_test.XXXXXX").string();
  int fd = mkstemp(name.data());
  if (fd >= 0) unlink(name.c_str());
  return fd;
}

}  // namespace

// Runs the binary with `args`; stdout and stderr go to two unlinked temp files
// (no pipe to fill up, no deadlock on large reports).
RunResult RunBinary(const std::vector<std::string>& args) { return RunProgram(kBinary, args); }

RunResult RunProgram(const std::string& binary, const std::vector<std::string>& args,
                     const std::vector<std::string>& env) {
  RunResult result;
  const int out_fd = TempFile();
  const int err_fd = TempFile();
  if (out_fd < 0 || err_fd < 0) {
    ADD_FAILURE() << "mkstemp: " << std::strerror(errno);
    return result;
  }
  std::vector<std::string> argv_storage = {binary};
  std::vector<std::string> env_storage = env;
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    for (std::string& e : env_storage) putenv(e.data());
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  result.out = ReadFd(out_fd);
  result.err = ReadFd(err_fd);
  close(out_fd);
  close(err_fd);
  return result;
}

std::string Describe(const std::vector<std::string>& args, const RunResult& r) {
  std::string cmd = "onnx-flops";
  for (const std::string& a : args) absl::StrAppend(&cmd, " ", a);
  return absl::StrCat(cmd, "\n  exit ", r.exit_code, "\n  stdout (", r.out.size(),
                      " bytes): ", r.out.substr(0, 400), "\n  stderr: ", r.err.substr(0, 400));
}

}  // namespace onnx_flops
