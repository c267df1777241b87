// An open lesson: its file, the word set its steps use, and the live evaluation of the current
// step's claims and view (in the background, newest settings only).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "compute/latest_only_worker.hpp"
#include "lessons/claims.hpp"

namespace ax {

class LessonSession {
 public:
  LessonSession();

  // Opens a lesson file; throws attn::InputError (the current lesson, if any, stays open).
  void open(const std::string& path);
  void close();
  bool active() const { return lesson_ != nullptr; }
  const Lesson& lesson() const { return *lesson_; }
  int step_count() const { return active() ? static_cast<int>(lesson_->steps.size()) : 0; }

  // Re-evaluates when the step, the settings or the data changed since the last call.
  void sync(const AppState& state, const std::shared_ptr<const LoadedData>& data);

  // The newest evaluation of the current step (possibly of slightly older settings while the
  // newest are computed: see evaluation_current()), or null before the step's first one.
  std::shared_ptr<const StepEvaluation> evaluation() const;
  bool evaluation_current() const;
  bool evaluating() const { return worker_.busy(); }
  void wait() { worker_.wait_until_idle(); }
  // Why the word set of the current step could not be loaded, if it could not.
  const std::string& words_error() const { return words_error_; }
  std::shared_ptr<const WordSet> words_for_step(int step);

 private:
  // What an evaluation depends on, compared by value every frame (nothing is serialised).
  struct Inputs {
    int step = -1;
    AppState state;  // without the view settings and the revealed flag: they change no claim
    std::shared_ptr<const LoadedData> data;
    bool operator==(const Inputs&) const = default;
  };
  struct Request {
    std::shared_ptr<const Lesson> lesson;
    int step = 0;
    AppState state;
    std::shared_ptr<const LoadedData> data;
    std::shared_ptr<const WordSet> words;
    std::uint64_t id = 0;
    std::string step_id;
  };

  std::shared_ptr<const Lesson> lesson_;
  std::map<std::string, std::shared_ptr<const WordSet>> word_sets_;
  std::string words_error_;
  std::optional<Inputs> submitted_inputs_;
  std::uint64_t submitted_id_ = 0;
  std::string submitted_step_id_;
  mutable std::mutex mutex_;
  std::shared_ptr<const StepEvaluation> evaluation_;
  std::uint64_t evaluation_id_ = 0;
  std::string evaluation_step_id_;
  LatestOnlyWorker<Request> worker_;  // last: its thread uses the members above
};

}  // namespace ax
