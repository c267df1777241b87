#include "widgets/key_event_queue.hpp"

#include <algorithm>

namespace ax {

std::vector<KeyEvent> KeyEventQueue::take_frame() {
  std::vector<KeyEvent> frame;
  std::vector<int> changed;  // keys that already changed in this frame
  while (!pending_.empty()) {
    const KeyEvent& next = pending_.front();
    if (next.transition) {
      if (std::find(changed.begin(), changed.end(), next.key) != changed.end()) break;
      changed.push_back(next.key);
    }
    frame.push_back(next);
    pending_.pop_front();
  }
  return frame;
}

}  // namespace ax
