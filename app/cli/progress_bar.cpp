#include "progress_bar.hpp"

#include <cstdio>

#include <unistd.h>

namespace cli {

ProgressBar::ProgressBar(std::string label) : label_(std::move(label)), enabled_(::isatty(2) == 1) {}

ProgressBar::~ProgressBar() {
  if (enabled_ && last_percent_ >= 0) std::fputc('\n', stderr);
}

void ProgressBar::update(int done, int total) {
  if (!enabled_ || total <= 0) return;
  const int percent = done * 100 / total;
  if (percent == last_percent_) return;
  last_percent_ = percent;
  constexpr int kWidth = 40;
  const int filled = percent * kWidth / 100;
  std::fprintf(stderr, "\r%s [%.*s%*s] %3d%% (%d/%d)", label_.c_str(), filled,
               "########################################", kWidth - filled, "", percent, done, total);
  std::fflush(stderr);
}

}  // namespace cli
