// The keyboard map of the app, in one table: the window shell turns key presses into commands
// with it, and the help overlay (H) lists it. Keys are GLFW key codes: printable keys are their
// ASCII upper-case letter or digit, the named ones are below (checked against GLFW in the shell).
#pragma once

#include <span>
#include <vector>

namespace ax {

enum class Command {
  Quit,
  FullScreen,
  Presentation,
  Help,
  CloseHelp,  // Esc: the help closes (a text field being typed in is left by ImGui itself)
  NextStep,   // lessons: reveal the answer, or go to the next step; a model file: next head
  PreviousStep,
  NextLayer,  // a model file: the next layer (same head)
  PreviousLayer,
  ShiftUp,  // M + kShiftStep
  ShiftDown,
  ShiftUpLarge,  // M + kShiftLargeStep
  ShiftDownLarge,
  ShiftReset,          // M = 0
  ShiftSweep,          // M from 0 to the sweep target, smoothly (again: stop)
  ResetPerturbations,  // every perturbation off: M, row and column shifts, scale, score and vector noise
  ModeClean,
  ModePerturbed,
  ModeAbsDifference,
  ModeSignedDifference,
};

inline constexpr double kShiftStep = 0.25;
inline constexpr double kShiftLargeStep = 1.0;
inline constexpr double kSweepSeconds = 4.0;

namespace keys {
inline constexpr int kEscape = 256, kRight = 262, kLeft = 263, kDown = 264, kUp = 265, kPageUp = 266, kPageDown = 267,
                     kF1 = 290, kF11 = 300;
}  // namespace keys

enum KeyModifier { kNoModifier = 0, kShift = 1, kControl = 2 };

struct KeyBinding {
  int key;
  int modifiers;  // KeyModifier flags that must be held (exactly)
  Command command;
  const char* key_label;  // as the help lists it
  const char* what;
  bool while_typing;  // also when a text field has the keyboard
};

std::span<const KeyBinding> key_bindings();

// The commands a key press gives (`modifiers`: KeyModifier flags held; `typing`: a text field has
// the keyboard). At most one per key and modifiers: the table has no clashes (tested).
std::vector<Command> commands_for_key(int key, int modifiers, bool typing);

}  // namespace ax
