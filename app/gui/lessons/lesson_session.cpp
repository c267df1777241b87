#include "lessons/lesson_session.hpp"

#include <algorithm>
#include <filesystem>

namespace ax {

LessonSession::LessonSession()
    : worker_([this](const Request& r, std::uint64_t, const std::atomic<bool>&) {
        auto evaluation = std::make_shared<StepEvaluation>(
            evaluate_step(r.lesson->steps[static_cast<std::size_t>(r.step)], r.state, *r.data, r.words.get()));
        std::lock_guard<std::mutex> lock(mutex_);
        evaluation_ = std::move(evaluation);
        evaluation_id_ = r.id;
        evaluation_step_id_ = r.step_id;
      }) {}

void LessonSession::open(const std::string& path) {
  lesson_ = std::make_shared<const Lesson>(load_lesson(path));
  submitted_inputs_.reset();
  submitted_step_id_.clear();
}

void LessonSession::close() {
  lesson_.reset();
  submitted_inputs_.reset();
  submitted_step_id_.clear();
}

std::shared_ptr<const WordSet> LessonSession::words_for_step(int step) {
  words_error_.clear();
  if (!active() || step < 0 || step >= step_count()) return nullptr;
  const auto& options = lesson_->steps[static_cast<std::size_t>(step)].view_options;
  if (!options.contains("words")) return nullptr;
  try {
    // Word sets are named relative to the lesson file (load_lesson checked that the name is a string).
    const std::string path =
        (std::filesystem::path(lesson_->path).parent_path() / options.at("words").get<std::string>()).string();
    if (auto it = word_sets_.find(path); it != word_sets_.end()) return it->second;
    auto words = std::make_shared<const WordSet>(load_word_set(path));
    word_sets_[path] = words;
    return words;
  } catch (const std::exception& e) {
    words_error_ = e.what();
    return nullptr;
  }
}

void LessonSession::sync(const AppState& state, const std::shared_ptr<const LoadedData>& data) {
  if (!active() || !data) return;
  const int step = std::clamp(state.lesson.step, 0, step_count() - 1);
  Inputs inputs{step, state, data};
  inputs.state.view = ViewSettings{};
  inputs.state.lesson.revealed = false;
  if (submitted_inputs_ && *submitted_inputs_ == inputs) return;
  submitted_inputs_ = std::move(inputs);
  submitted_step_id_ = lesson_->path + "#" + std::to_string(step);
  worker_.submit(Request{lesson_, step, state, data, words_for_step(step), ++submitted_id_, submitted_step_id_});
}

std::shared_ptr<const StepEvaluation> LessonSession::evaluation() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return evaluation_step_id_ == submitted_step_id_ ? evaluation_ : nullptr;
}

bool LessonSession::evaluation_current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return evaluation_id_ == submitted_id_;
}

}  // namespace ax
