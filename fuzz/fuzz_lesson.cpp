// Lesson JSON files: loading, then what the app does with each step when it is shown (its state
// and its word set).
#include "fuzz_input_file.hpp"
#include "lessons/lesson_file.hpp"
#include "lessons/lesson_session.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ax_fuzz::InputFile file(".json");
  static ax::LessonSession session;
  const std::string& path = file.write(data, size);
  ax_fuzz::expect_only_documented_errors([&] { session.open(path); });
  if (!session.active()) return 0;
  for (int step = 0; step < session.step_count(); ++step) {
    (void)ax::step_state(session.lesson(), step, ax::AppState{});
    (void)session.words_for_step(step);
  }
  session.close();
  return 0;
}
