// Lesson navigation requested by panels (buttons) or the shell (keys), applied by the controller
// between frames.
#pragma once

#include <optional>
#include <string>

namespace ax {

struct LessonCommands {
  bool next = false;  // reveal the answer, or go to the next step
  bool previous = false;
  bool restart = false;
  std::optional<std::string> open;  // a lesson file
  bool close = false;
};

}  // namespace ax
