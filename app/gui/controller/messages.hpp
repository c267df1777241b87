// The error bar and short notices ("saved scenario.json"): written by the controller and the
// panels, shown by the message bar.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ax {

class Messages {
 public:
  void error(std::string text) { push(std::move(text), true); }
  void info(std::string text) { push(std::move(text), false); }
  struct Entry {
    std::string text;
    bool error = false;
    int frames_left = 0;  // notices fade; errors stay until dismissed
  };
  std::vector<Entry>& entries() { return entries_; }
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  void push(std::string text, bool error) {
    if (!entries_.empty() && entries_.back().text == text) return;
    entries_.push_back({std::move(text), error, error ? -1 : 240});
    if (entries_.size() > 4) entries_.erase(entries_.begin());
  }
  std::vector<Entry> entries_;
};

}  // namespace ax
