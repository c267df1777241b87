// The error bar and short notices ("saved scenario.json"): written by the controller and the
// panels, shown by the message bar and printed by the shell. Every text is made one line of
// readable length as it arrives (attn::one_line): a file's bytes never draw more than ImGui can,
// forge a second error line, or reach a terminal as an escape code.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "attn/base/safe_text.hpp"

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
  void push(std::string raw, bool error) {
    std::string text = attn::one_line(raw);
    if (!entries_.empty() && entries_.back().text == text) return;
    entries_.push_back({std::move(text), error, error ? -1 : 240});
    if (entries_.size() > 4) entries_.erase(entries_.begin());
  }
  std::vector<Entry> entries_;
};

}  // namespace ax
