#include "controller/app_controller.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <utility>

#include "figures/chart_labels.hpp"
#include "lessons/lesson_file.hpp"
#include "state/scenario_file.hpp"

namespace ax {
namespace {

// The noise settings that change the numbers (animation and study size do not).
NoiseSettings perturbation_part(NoiseSettings noise) {
  noise.animate = false;
  noise.animate_frames = 0;
  noise.study_draws = 0;
  return noise;
}

// The number of steps the step's propagation claims speak of (0 when none does).
int claimed_propagation_steps(const LessonStep& step) {
  int steps = 0;
  for (const Claim& claim : step.claims) {
    if ((claim.kind != "propagation_clusters" && claim.kind != "diffusion_smooths") || !claim.params.is_object())
      continue;
    if (auto it = claim.params.find("steps"); it != claim.params.end() && it->is_number_integer()) {
      steps = std::max(steps, it->get<int>());
    }
  }
  return steps;
}

// A playing propagation takes one more step every this many frames, up to kPropagationMaxSteps.
constexpr int kPropagationFramesPerStep = 12;
constexpr int kPropagationMaxSteps = 200;

}  // namespace

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

AppController::AppController(AppState initial, Clock clock)
    : clock_(std::move(clock)), lesson_list_((std::filesystem::path(assets_directory()) / "lessons").string()) {
  last_frame_seconds_ = clock_();
  load_state(std::move(initial));
}

void AppController::sync() {
  if (pending_scenario_) open_scenario(*std::exchange(pending_scenario_, std::nullopt));
  apply_lesson_commands();
  show_propagation_answer();
  sync_data();
  sync_compute();
  sentence_.sync(state_, data_.data(), data_generation_);
  lesson_.sync(state_, data_.data());
  report_compute_error();
  sync_streamed_row();
}

std::size_t AppController::selected_method(const ComputeResult& result) const {
  const int methods = static_cast<int>(result.methods.size());
  return static_cast<std::size_t>(std::clamp(state_.view.selected_method, 0, std::max(methods - 1, 0)));
}

std::pair<std::size_t, int> AppController::selected_row_of(const ComputeResult& result) const {
  const int row =
      std::clamp(state_.view.selected_row, 0, static_cast<int>(std::max<attn::Index>(result.queries - 1, 0)));
  return {selected_method(result), row};
}

void AppController::sync_streamed_row() {
  const auto result = compute_.result();
  if (!result || result->path != ComputePath::Streaming || result->methods.empty()) return;
  const auto [method, row] = selected_row_of(*result);
  streamed_rows_.request(result, method, row);
}

std::shared_ptr<const RowInspection> AppController::streamed_row() const {
  const auto result = compute_.result();
  if (!result || result->path != ComputePath::Streaming || result->methods.empty()) return nullptr;
  const auto [method, row] = selected_row_of(*result);
  return streamed_rows_.get(result->generation, method, row);
}

void AppController::advance_frame() {
  const double now = clock_();
  const double elapsed = std::max(now - last_frame_seconds_, 0.0);
  last_frame_seconds_ = now;
  ++frame_index_;
  ++frames_since_draw_;
  // A new draw only once the previous one has been computed: draws that came faster than the
  // engine would each cancel the computation before and the heatmaps would never change.
  if (state_.noise.animate && frames_since_draw_ >= std::max(state_.noise.animate_frames, 1) && !compute_.busy()) {
    ++state_.noise.draw;
    frames_since_draw_ = 0;
  }
  advance_sweep(elapsed);
  advance_propagation();
}

void AppController::command(Command command) {
  switch (command) {
    case Command::Quit: shell_.quit = true; break;
    case Command::FullScreen: shell_.toggle_fullscreen = true; break;
    case Command::Presentation: state_.view.presentation = !state_.view.presentation; break;
    case Command::Help: key_help_shown_ = !key_help_shown_; break;
    case Command::CloseHelp: key_help_shown_ = false; break;
    // Left and right step through a lesson, or through the heads of a model file.
    case Command::NextStep: lesson_active() ? lesson_next() : step_model(1, 0); break;
    case Command::PreviousStep: lesson_active() ? lesson_previous() : step_model(-1, 0); break;
    case Command::NextLayer: step_model(0, 1); break;
    case Command::PreviousLayer: step_model(0, -1); break;
    case Command::ShiftUp: move_shift(kShiftStep); break;
    case Command::ShiftDown: move_shift(-kShiftStep); break;
    case Command::ShiftUpLarge: move_shift(kShiftLargeStep); break;
    case Command::ShiftDownLarge: move_shift(-kShiftLargeStep); break;
    case Command::ShiftReset: move_shift(-state_.noise.shift); break;
    case Command::ShiftSweep: toggle_sweep(); break;
    case Command::ResetPerturbations: reset_perturbations(); break;
    case Command::ModeClean:
    case Command::ModePerturbed:
    case Command::ModeAbsDifference:
    case Command::ModeSignedDifference:
      state_.view.mode = static_cast<HeatmapMode>(static_cast<int>(command) - static_cast<int>(Command::ModeClean));
      state_.view.modes.clear();
      break;
  }
}

// Every perturbation off, the noise's seed and the study's draws kept (they are not perturbations).
void AppController::reset_perturbations() {
  sweep_.stop();
  NoiseSettings clean;
  clean.seed = state_.noise.seed;
  clean.study_draws = state_.noise.study_draws;
  state_.noise = clean;
}

void AppController::move_shift(double by) {
  sweep_.stop();
  // Whole steps stay whole: no 0.30000000000000004 on the slider after a few presses.
  state_.noise.shift = std::round((state_.noise.shift + by) * 1e9) * 1e-9;
}

// A model file open in the explorer: move to another head or layer, wrapping at the ends.
void AppController::step_model(int heads_by, int layers_by) {
  const auto& data = data_.data();
  if (lesson_active() || !data || !data->model) return;
  const int heads = static_cast<int>(data->model->heads), layers = static_cast<int>(data->model->layers);
  DataSettings& d = state_.data;
  d.head = ((d.head + heads_by) % heads + heads) % heads;
  d.layer = ((d.layer + layers_by) % layers + layers) % layers;
}

void AppController::toggle_sweep() {
  if (sweep_.active()) {
    sweep_.stop();
    return;
  }
  sweep_.start(0.0, state_.view.sweep_to, kSweepSeconds);
  swept_shift_ = state_.noise.shift = 0.0;
}

void AppController::advance_sweep(double seconds) {
  if (!sweep_.active()) return;
  // M edited by other means (a slider, a scenario) since the sweep set it: the edit wins.
  if (state_.noise.shift != swept_shift_) {
    sweep_.stop();
    return;
  }
  swept_shift_ = state_.noise.shift = sweep_.advance(seconds);
}

void AppController::advance_propagation() {
  const LessonStep* step = current_step();
  LessonSettings& lesson = state_.lesson;
  if (!step || step->view != StepView::Propagation || !lesson.playing ||
      step->view_options.value("mode", std::string("steps")) != "steps") {
    return;
  }
  if (frame_index_ % kPropagationFramesPerStep == 0 && lesson.propagation_steps < kPropagationMaxSteps) {
    ++lesson.propagation_steps;
  }
}

// When the answer shows, the points (or the diffused values) move to where the claim looks at
// them ("after 20 steps"), once per step, so "after 0 steps" never sits under an answer about 20;
// step, play and reset work as before from there.
void AppController::show_propagation_answer() {
  const LessonStep* step = current_step();
  LessonSettings& lesson = state_.lesson;
  if (!step || step->view != StepView::Propagation || !lesson.revealed || lesson.step == propagation_answer_step_ ||
      lesson.step < 0 || lesson.step >= lesson_step_count()) {
    return;
  }
  propagation_answer_step_ = lesson.step;
  const int claimed = claimed_propagation_steps(*step);
  if (claimed > 0 && lesson.propagation_steps == 0) lesson.propagation_steps = claimed;
}

void AppController::request_window_png(const std::string& path) {
  shell_.window_png = path;
  shell_.window_png_wait = 2;  // two frames later the menu has closed
}

void AppController::open_lesson(const std::string& path) {
  lesson_commands_.open = path;
  apply_lesson_commands();
}

void AppController::lesson_go_to(int step, bool revealed) {
  if (!lesson_.active()) return;
  go_to_step(step);
  state_.lesson.revealed = revealed;
}

const LessonStep* AppController::current_step() const {
  if (!lesson_.active() || lesson_.step_count() == 0) return nullptr;
  const int step = std::clamp(state_.lesson.step, 0, lesson_.step_count() - 1);
  return &lesson_.lesson().steps[static_cast<std::size_t>(step)];
}

bool AppController::lesson_step_has_question() const {
  const LessonStep* step = current_step();
  return step && !step->question.empty();
}

const nlohmann::json& AppController::state_json() {
  if (!json_state_ || !(*json_state_ == state_)) {
    json_state_ = state_;
    state_json_ = scenario_to_json(state_);
  }
  return state_json_;
}

void AppController::go_to_step(int step) {
  // A step states its own attention (methods, mask, score): the model it opens does not replace it,
  // so a step looks the same however it was reached.
  keep_step_attention_ = true;
  load_state(step_state(lesson_.lesson(), step, state_));
  keep_step_attention_ = false;
}

void AppController::apply_lesson_commands() {
  LessonCommands commands = std::exchange(lesson_commands_, LessonCommands{});
  if (commands.open) {
    try {
      lesson_.open(*commands.open);
      go_to_step(0);
    } catch (const std::exception& e) {
      messages_.error(e.what());
    }
  }
  if (commands.close) {
    lesson_.close();
    state_.lesson = LessonSettings{};
  }
  const LessonStep* current = current_step();
  if (!current) return;
  const int step = std::clamp(state_.lesson.step, 0, lesson_.step_count() - 1);
  if (commands.next) {
    if (!current->question.empty() && !state_.lesson.revealed) {
      state_.lesson.revealed = true;
    } else if (step + 1 < lesson_.step_count()) {
      go_to_step(step + 1);
    }
  } else if (commands.previous && step > 0) {
    go_to_step(step - 1);
  } else if (commands.restart) {
    go_to_step(0);
  }
}

void AppController::load_state(const AppState& state) {
  state_ = state;
  // The state says which lesson is open (a saved session or scenario may be inside one).
  if (state_.lesson.path.empty()) {
    lesson_.close();
  } else if (!lesson_.active() || lesson_.lesson().path != state_.lesson.path) {
    try {
      lesson_.open(state_.lesson.path);
    } catch (const std::exception& e) {
      messages_.error(e.what());
      lesson_.close();
      state_.lesson = LessonSettings{};
    }
  }
  ++data_generation_;  // the data settings were replaced
  typed_data_ = state_.data;
  failed_paths_.clear();
  sync_data();
  sync_compute();
}

void AppController::open_scenario(const std::string& path) {
  try {
    load_state(load_scenario_file(path, AppState{}));
    messages_.info("opened scenario " + path);
  } catch (const std::exception& e) {
    messages_.error(e.what());  // the current state stays
  }
}

void AppController::save_scenario(const std::string& path) {
  try {
    save_scenario_file(path, state_);
    messages_.info("saved " + path);
  } catch (const std::exception& e) {
    messages_.error(e.what());
  }
}

void AppController::export_matrix(const std::string& path) {
  try {
    const auto result = compute_.result();
    pictures_.export_matrix(path, result, state_.view, answers_hidden(), result ? selected_method(*result) : 0);
    messages_.info("wrote " + path);
  } catch (const std::exception& e) {
    messages_.error(e.what());
  }
}

void AppController::export_heatmap_png(const std::string& path, const PngExtras& extras) {
  try {
    const auto result = compute_.result();
    pictures_.export_png(path, result, state_.view, answers_hidden(), result ? selected_method(*result) : 0, extras);
    messages_.info("wrote " + path);
  } catch (const std::exception& e) {
    messages_.error(e.what());
  }
}

void AppController::open_dropped_files(const std::vector<std::string>& paths) {
  if (paths.empty()) return;
  const std::string& path = paths.front();
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".json") {
    open_scenario(path);
    return;
  }
  state_.data.source = DataSource::File;
  state_.data.vectors_path = path;
  state_.data.keys_path = paths.size() > 1 ? paths[1] : "";
  typed_data_ = state_.data;
  ++data_generation_;
}

void AppController::start_study() {
  if (data() && !data()->weights_only) study_.start(make_compute_request(state_, data()));
}

void AppController::sync_data() {
  std::string error;
  const DataSettings asked = state_.data;
  if (data_.update(state_.data, error)) {
    const auto& data = *data_.data();
    for (const std::string& notice : data.notices) messages_.info(notice);
    // A newly opened model file brings the masks the model applied (blocked keys, padding, a
    // bias), so exp reproduces its weights; data without a model has none to apply.
    const std::string model_path = data.model ? data.model->path : "";
    if (!model_path.empty() && model_path != opened_model_ && !keep_step_attention_) {
      if (data.model->has_vectors) state_.attention.mask = "model";
      adopt_sentence_attention(state_.attention, data);  // a sentence's model runs causally
    }
    if (!data.model && state_.attention.mask == "model") state_.attention.mask = "none";
    if (data.model) model_grid_.request(data.model);
    opened_model_ = model_path;
    state_.view.selected_row = std::clamp(state_.view.selected_row, 0, static_cast<int>(data.query_count()) - 1);
    if (error.empty()) {
      typed_data_ = state_.data;
      failed_paths_.clear();
    }
    ++data_generation_;
  }
  if (!error.empty()) {
    // The settings went back to the last good ones; the fields keep what was typed.
    typed_data_ = asked;
    failed_paths_ = {asked.vectors_path, asked.keys_path, asked.tokens_path};
    ++data_generation_;
    messages_.error(error);
  }
}

// Each stage's inputs are compared by value with those last submitted: an edit of M changes
// only the perturbed stage's, so the clean weights and the chart are not recomputed.
void AppController::sync_compute() {
  const CleanInputs clean{data_.generation(), state_.attention, state_.data.centre};
  if (!submitted_clean_ || !(*submitted_clean_ == clean)) {
    submitted_clean_ = clean;
    ++clean_generation_;
  }
  const PerturbedInputs perturbed{clean, perturbation_part(state_.noise), state_.view.versus_model};
  const ChartInputs chart{clean, state_.view.chart_shift_min, state_.view.chart_shift_max};
  const bool new_results = !submitted_perturbed_ || !(*submitted_perturbed_ == perturbed);
  const bool new_chart = !submitted_chart_ || !(*submitted_chart_ == chart);
  if (!new_results && !new_chart) return;
  ComputeRequest request = make_compute_request(state_, data_.data());
  request.clean_generation = clean_generation_;
  if (new_results) {
    submitted_perturbed_ = perturbed;
    compute_.submit_results(request);
  }
  if (new_chart) {
    submitted_chart_ = chart;
    compute_.submit_chart(std::move(request));
  }
}

void AppController::report_compute_error() {
  const std::string error = compute_.error();
  const std::uint64_t generation = compute_.submitted_generation();
  if (error.empty() || (error == reported_error_ && generation == reported_generation_)) return;
  reported_error_ = error;
  reported_generation_ = generation;
  messages_.error(error);  // the previous results stay on screen
}

bool AppController::results_for_newest_edit() const {
  const auto result = compute_.result();
  return result && result->generation == compute_.submitted_generation();
}

bool AppController::results_current() const {
  const auto result = compute_.result();
  const auto chart = compute_.chart();
  return !compute_.busy() && result && chart && chart->clean_generation == result->clean_generation;
}

std::shared_ptr<const ModelGridCells> AppController::model_grid_cells() const {
  const auto& data = data_.data();
  const auto cells = model_grid_.cells();
  if (!data || !data->model || !cells || cells->serial != data->model->serial) return nullptr;
  return cells;
}

void AppController::wait_for_results() {
  sync();
  compute_.wait_until_idle();
  model_grid_.wait_until_idle();
  lesson_.wait();
  sentence_.wait_for_predictions();
  sentence_.wait_for_robustness();
  sync_streamed_row();
  streamed_rows_.wait_until_idle();
  pictures_.settle_next_request();  // and the next frame's pooled pictures
}

namespace {

// A statistic over no defined row is not a number: null in the report, never 0.
nlohmann::json defined_or_null(double value, attn::Index compared_rows) {
  return compared_rows > 0 && !std::isnan(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

nlohmann::json chart_report(const InvarianceChart& chart) {
  nlohmann::json curves = nlohmann::json::array();
  for (const auto& curve : chart.curves) {
    nlohmann::json values = nlohmann::json::array();
    for (double v : curve.max_abs_diff) values.push_back(std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v));
    curves.push_back({{"spec", curve.spec},
                      {"legend", invariance_curve_label(curve)},
                      {"max_abs_diff", values},
                      {"undefined_rows", curve.undefined_rows}});
  }
  return {{"shifts", chart.shifts}, {"rows", chart.rows}, {"curves", curves}};
}

}  // namespace

nlohmann::json AppController::report() const {
  nlohmann::json out;
  out["state"] = scenario_to_json(state_);
  if (const auto result = compute_.result()) {
    nlohmann::json methods = nlohmann::json::array();
    for (const auto& m : result->methods) {
      methods.push_back({{"spec", m.spec},
                         {"error", m.error},
                         {"max_abs_diff", defined_or_null(m.deviation.max_abs_diff, m.deviation.compared_rows)},
                         {"undefined_clean", m.clean.rows.empty() ? 0 : m.clean.undefined_count()},
                         {"undefined_perturbed", m.perturbed.rows.empty() ? 0 : m.perturbed.undefined_count()}});
      if (result->has_reference && !m.is_reference) methods.back()["max_abs_vs_model"] = m.vs_reference.max_abs_diff;
    }
    out["results"] = {
        {"queries", result->queries}, {"keys", result->keys}, {"methods", methods}, {"compute_ms", result->compute_ms}};
    if (result->has_reference) {
      out["results"]["own_f"] = result->own_f;  // the F the model ran: exp, or a trained model's own
      out["results"]["own_f_vs_model"] = result->own_f_vs_reference.max_abs_diff;
    }
  }
  if (const auto chart = compute_.chart()) out["invariance_chart"] = chart_report(*chart);
  if (const auto cells = model_grid_cells()) {
    out["model_grid"] = {{"cells", cells->cells.size()}, {"done", cells->done}, {"error", cells->error}};
  }
  std::vector<std::string> messages;
  for (const auto& entry : messages_.entries()) messages.push_back(entry.text);
  out["messages"] = messages;
  out["overview_ms"] = pictures_.overviews().last_job_ms();
  if (const auto p = sentence_.predictions()) out["predictions"] = predictions_json(*p);
  out["robustness"] = robustness_json(sentence_.robustness());
  return out;
}

}  // namespace ax
