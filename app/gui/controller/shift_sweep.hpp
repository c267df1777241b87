// A smooth sweep of the shift M from one value to another over a few seconds, for the lecture:
// the room watches every other F drift while exp holds. Eased at both ends so the start and the
// stop are visible. Knows nothing about time sources: the caller advances it by elapsed seconds.
#pragma once

#include <algorithm>

namespace ax {

class ShiftSweep {
 public:
  void start(double from, double to, double seconds) {
    from_ = from;
    to_ = to;
    seconds_ = std::max(seconds, 1e-3);
    elapsed_ = 0.0;
    active_ = true;
  }
  void stop() { active_ = false; }
  bool active() const { return active_; }
  double target() const { return to_; }

  // Moves `elapsed` seconds on and returns the shift to show; the last call returns `to` exactly.
  double advance(double elapsed) {
    elapsed_ = std::min(elapsed_ + std::max(elapsed, 0.0), seconds_);
    const double t = elapsed_ / seconds_;
    if (elapsed_ >= seconds_) active_ = false;
    const double eased = t * t * (3.0 - 2.0 * t);
    return elapsed_ >= seconds_ ? to_ : from_ + (to_ - from_) * eased;
  }

 private:
  double from_ = 0.0, to_ = 0.0, seconds_ = 1.0, elapsed_ = 0.0;
  bool active_ = false;
};

}  // namespace ax
