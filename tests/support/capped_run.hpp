// Runs a reproducer in a child process under a memory cap and a time limit, so that a regression
// (an unbounded allocation, a hang, a stack overflow) fails the test cleanly instead of exhausting
// this shared machine or killing the test binary. The cap is RLIMIT_AS set `cap_bytes` above the
// address space the child already uses, which also works under ASan and TSan (their shadow memory
// is reserved before the fork). Header-only.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <functional>
#include <new>
#include <string>

#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"

namespace ax_test {

struct CappedOutcome {
  bool finished = false;   // the body returned (or threw) and the child exited normally
  bool timed_out = false;  // killed after the time limit: a hang
  int signal = 0;          // the child died of this signal (a crash)
  std::string result;      // what the body returned, or "InputError: <message>", "bad_alloc", ...
  long peak_rss_kib = 0;   // the child's peak resident memory

  bool input_error() const { return finished && result.rfind("InputError: ", 0) == 0; }
  std::string message() const { return input_error() ? result.substr(12) : std::string(); }
  std::string describe() const {
    if (timed_out) return "timed out (a hang)";
    if (signal != 0) return "killed by signal " + std::to_string(signal) + " (a crash)";
    return "result: " + result;
  }
};

inline std::uint64_t address_space_in_use() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmSize:") {
      std::uint64_t kib = 0;
      status >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

// `body` runs in the child with RLIMIT_AS = its current address space + `cap_bytes` and the
// engine's memory budget left at its default (which a finite RLIMIT_AS lowers). Its returned text,
// or the exception it threw, comes back through a pipe.
inline CappedOutcome run_capped(const std::function<std::string()>& body, std::uint64_t cap_bytes,
                                int timeout_seconds = 60) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    rlimit limit{};
    limit.rlim_cur = limit.rlim_max = address_space_in_use() + cap_bytes;
    ::setrlimit(RLIMIT_AS, &limit);
    std::string result;
    try {
      result = body();
    } catch (const attn::InputError& e) {
      result = std::string("InputError: ") + e.what();
    } catch (const attn::UsageError& e) {
      result = std::string("UsageError: ") + e.what();
    } catch (const std::bad_alloc&) {
      result = "bad_alloc (no file named)";
    } catch (const std::exception& e) {
      result = std::string("other exception: ") + e.what();
    }
    for (std::size_t done = 0; done < result.size();) {
      const ssize_t put = ::write(fds[1], result.data() + done, result.size() - done);
      if (put <= 0) break;
      done += static_cast<std::size_t>(put);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  CappedOutcome out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  char buffer[4096];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      out.timed_out = true;
      ::kill(child, SIGKILL);
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t got = ::read(fds[0], buffer, sizeof buffer);
    if (got <= 0) break;
    out.result.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fds[0]);
  int status = 0;
  rusage usage{};
  ::wait4(child, &status, 0, &usage);
  out.peak_rss_kib = usage.ru_maxrss;
  if (WIFSIGNALED(status) && !out.timed_out) out.signal = WTERMSIG(status);
  out.finished = !out.timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return out;
}

}  // namespace ax_test
