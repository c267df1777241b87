// A progress bar on stderr, drawn only when stderr is a terminal (scripts see nothing).
#pragma once

#include <string>

namespace cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();
  void update(int done, int total);

 private:
  std::string label_;
  bool enabled_;
  int last_percent_ = -1;
};

}  // namespace cli
