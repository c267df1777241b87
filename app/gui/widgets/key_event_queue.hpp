// Key events delivered to ImGui one transition per key per frame. ImGui 1.86 reads keys as
// "down" flags sampled once a frame, so a press and its release inside one frame (a quick Enter,
// arrow or Ctrl+A on a slow frame, a presentation clicker) would never be seen. The window queues
// every event and hands each frame the longest prefix in which no key changes twice; the rest
// waits for the next frame, in order.
#pragma once

#include <deque>
#include <vector>

namespace ax {

struct KeyEvent {
  int key = 0, scancode = 0, action = 0, mods = 0;
  bool transition = true;  // a press or a release (a key repeat changes nothing)
};

class KeyEventQueue {
 public:
  void push(const KeyEvent& event) { pending_.push_back(event); }
  bool empty() const { return pending_.empty(); }
  // The events for this frame, in arrival order.
  std::vector<KeyEvent> take_frame();

 private:
  std::deque<KeyEvent> pending_;
};

}  // namespace ax
