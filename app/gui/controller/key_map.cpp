#include "controller/key_map.hpp"

namespace ax {

std::span<const KeyBinding> key_bindings() {
  // Left and right step through a lesson (or, with a model file open, its heads); up and down move
  // M: the same keys mean the same thing in the explorer, in a lesson and while presenting, and no
  // key means two things at once.
  static constexpr KeyBinding kBindings[] = {
      {keys::kUp, kNoModifier, Command::ShiftUp, "Up", "shift M + 0.25", false},
      {keys::kDown, kNoModifier, Command::ShiftDown, "Down", "shift M - 0.25", false},
      {keys::kUp, kShift, Command::ShiftUpLarge, "Shift+Up", "shift M + 1", false},
      {keys::kDown, kShift, Command::ShiftDownLarge, "Shift+Down", "shift M - 1", false},
      {'0', kNoModifier, Command::ShiftReset, "0", "shift M = 0", false},
      {'S', kNoModifier, Command::ShiftSweep, "S", "sweep M from 0 to the target (S again stops)", false},
      {'R', kNoModifier, Command::ResetPerturbations, "R", "reset every perturbation (M, shifts, scale, noise)", false},
      {'1', kNoModifier, Command::ModeClean, "1", "show clean weights", false},
      {'2', kNoModifier, Command::ModePerturbed, "2", "show perturbed weights", false},
      {'3', kNoModifier, Command::ModeAbsDifference, "3", "show |difference|", false},
      {'4', kNoModifier, Command::ModeSignedDifference, "4", "show signed difference", false},
      {keys::kRight, kNoModifier, Command::NextStep, "Right", "lesson: answer, then next step; model: next head",
       false},
      {keys::kPageDown, kNoModifier, Command::NextStep, "Page Down", "lesson: answer, then next step; model: next head",
       false},
      {keys::kLeft, kNoModifier, Command::PreviousStep, "Left", "lesson: previous step; model: previous head", false},
      {keys::kPageUp, kNoModifier, Command::PreviousStep, "Page Up", "lesson: previous step; model: previous head",
       false},
      {']', kNoModifier, Command::NextLayer, "]", "model: next layer", false},
      {'[', kNoModifier, Command::PreviousLayer, "[", "model: previous layer", false},
      {'P', kNoModifier, Command::Presentation, "P", "presentation mode on/off", false},
      {'F', kNoModifier, Command::FullScreen, "F", "full screen on/off", false},
      {keys::kF11, kNoModifier, Command::FullScreen, "F11", "full screen on/off", true},
      {'H', kNoModifier, Command::Help, "H", "this list of keys", false},
      {keys::kF1, kNoModifier, Command::Help, "F1", "this list of keys", true},
      // Esc inside a text field leaves the field (ImGui's own, undoing the unfinished edit); the
      // next Esc closes the help.
      {keys::kEscape, kNoModifier, Command::CloseHelp, "Esc", "close this list; in a text field: leave it", false},
      {'Q', kControl, Command::Quit, "Ctrl+Q", "quit", true},
  };
  return kBindings;
}

std::vector<Command> commands_for_key(int key, int modifiers, bool typing) {
  std::vector<Command> out;
  for (const KeyBinding& binding : key_bindings()) {
    if (binding.key == key && binding.modifiers == modifiers && (!typing || binding.while_typing)) {
      out.push_back(binding.command);
    }
  }
  return out;
}

}  // namespace ax
