// Everything the user chose, in one place. Panels edit it; the scenario file saves and restores
// it whole; the compute service reads snapshots of it. It holds settings only: the vectors and
// weights they produce live in LoadedData and ComputeResult.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ax {

enum class DataSource {
  Generated,  // gaussian, clusters or sphere from a seed
  Points2D,   // points the user places and drags on a plane
  File,       // vectors or weight matrices from .npy / .csv, or a model file (.npz)
  Sentence,   // a typed sentence through a tiny language model of assets/models/: every layer and head
};

// The sentence the "sentence" source starts with: the exp-trained model puts most of its weight on
// one next word ("israel"), so a change of its prediction shows.
inline constexpr const char* kDefaultSentence = "And the LORD spake unto Moses, saying, Speak unto the children of";

enum class FileContent {
  Auto,     // weight matrices if every row of every matrix is a distribution, vectors otherwise
  Vectors,  // X, or queries with separate keys
  Weights,  // weight matrices shown as they are, one heatmap per head
};

// The default editable 2-D point set: two loose groups, so attention visibly pulls them together.
std::vector<std::array<double, 2>> default_points();

struct DataSettings {
  DataSource source = DataSource::Generated;
  std::string generator = "gaussian";  // gaussian, clusters, sphere
  int n = 24;
  int d = 16;
  std::uint64_t seed = 1;
  int clusters = 3;
  std::vector<std::array<double, 2>> points = default_points();  // Points2D
  std::string vectors_path;  // X or queries, or weight matrices, or a model file (.npz: q, k, weights...)
  std::string keys_path;     // optional separate keys
  std::string tokens_path;   // optional axis labels: a text file (one a line), a '<U' .npy or ARCHIVE.npz:NAME
  FileContent content = FileContent::Auto;
  std::string group;                        // group of a grouped model file (encoder, decoder, cross...); "": the first
  int layer = 0;                            // which layer of a model file or a rank-4 file
  int head = 0;                             // which head of a model file, a rank-4 file or a rank-3 vectors file
  std::vector<std::string> tokens;          // axis labels given inline (lessons)
  bool centre = false;                      // subtract the mean vector before computing scores
  std::string sentence = kDefaultSentence;  // Sentence: the text, tokenized as the model's tokenizer does
  std::string language_model = "exp";       // Sentence: a model of assets/models/ by name, or a path to one (.npz)
  std::string language_model_method;        // Sentence: the F of every head instead of the model's own (empty: its own)
  bool operator==(const DataSettings&) const = default;
};

struct AttentionSettings {
  std::string score = "scaled-dot";
  double alpha = 1.0;
  std::vector<std::string> methods = {"exp", "relu", "softplus", "sigmoid"};
  std::string mask = "none";  // none, causal, or model: a model file's own masks, padding and bias
  bool use_double = false;
  // Teaching switch, set only by a lesson scenario (no panel shows it): false computes e^s / sum e^s
  // without subtracting the row maximum, to show how large scores overflow.
  bool subtract_max = true;
  bool operator==(const AttentionSettings&) const = default;
};

struct NoiseSettings {
  double shift = 0.0;             // M, added to every score
  double scale = 1.0;             // lambda
  double row_shift_rms = 0.0;     // per-row shifts r_i ~ N(0, rms^2)
  double column_shift_rms = 0.0;  // per-column shifts c_j ~ N(0, rms^2)
  double score_noise_rms = 0.0;   // independent noise on each score
  double global_rms = 0.0;        // s_g of the shared vector noise g
  double local_rms = 0.0;         // s_l of the independent vector noise l_i
  std::string target = "both";    // queries, keys, both
  std::uint64_t seed = 1;
  std::uint64_t draw = 0;  // "resample" moves to the next draw
  bool animate = false;    // a new draw every `animate_frames` frames
  int animate_frames = 20;
  int study_draws = 200;  // Monte Carlo study
  bool operator==(const NoiseSettings&) const = default;
};

enum class HeatmapMode { Clean, Perturbed, AbsDifference, SignedDifference };

// What a pixel covering several cells shows: their max (a single peak or a one-column sink is never
// lost) or their mean. Difference views use the largest |difference| for "max".
enum class PixelReduction { Max, Mean };

struct ViewSettings {
  HeatmapMode mode = HeatmapMode::Perturbed;  // every heatmap without its own mode below
  std::vector<HeatmapMode> modes;             // per heatmap, in method order (may be shorter)
  std::string colormap = "viridis";           // weights
  std::string difference_colormap = "magma";  // |difference|; signed uses "diverging"
  bool log_scale = false;
  bool shared_range = true;        // one colour range for every compared heatmap
  bool versus_model = true;        // with a model's own weights loaded, differences compare each method with them
  bool exclude_first_key = false;  // leave key 0 (an attention sink) out of the range
  PixelReduction reduction = PixelReduction::Max;  // when a pixel covers several cells
  float zoom = 1.0f;                               // shared by every heatmap so they stay aligned
  std::array<float, 2> pan = {0.0f, 0.0f};         // visible window's top-left, in [0, 1] units
  int selected_row = 0;
  int selected_method = 0;
  double chart_shift_min = 1e-3;  // invariance chart range of M
  double chart_shift_max = 1e2;
  bool show_charts = true;
  bool presentation = false;  // large type, high contrast, advanced panels hidden
  double sweep_to = 5.0;      // the S key sweeps the shift M from 0 to this value
  bool operator==(const ViewSettings&) const = default;
};

// Where the user is in a lesson, and the interactive parameters of the lesson views.
struct LessonSettings {
  std::string path;  // lesson file; empty when no lesson is open
  int step = 0;
  bool revealed = false;                      // the answer to the step's question is shown
  std::array<double, 2> theta = {-1.0, 2.0};  // fixed-attention parameter (words view)
  std::array<double, 2> theta2 = {1.0, 0.0};  // a second head
  int propagation_steps = 0;                  // update steps applied in the propagation view
  bool playing = false;                       // apply a step every few frames
  bool shuffled = false;                      // the words of the sentence in another order
  // Metric attention: the map A (rows) applied before distances, and the point whose weights
  // the metric view shows.
  std::array<double, 2> metric_row1 = {1.0, 0.0};
  std::array<double, 2> metric_row2 = {0.0, 1.0};
  int metric_query = 0;
  bool operator==(const LessonSettings&) const = default;
};

// The robustness chart of the language models: held-out perplexity against M and against s_g, one
// line per model, each model with its own F.
struct RobustnessSettings {
  std::vector<std::string> models = {"exp", "relu", "softplus", "sigmoid", "power2", "exp_noise", "relu_noise"};
  std::vector<double> shifts = {0.0, 1.0, 2.0, 3.0, 5.0, 8.0};
  std::vector<double> global_rms = {0.0, 0.05, 0.1, 0.2, 0.3};
  int windows = 96;              // held-out windows of 64 tokens per point (569 is all of them)
  int seeds = 3;                 // seeds of the shared noise per level: the chart shows their mean and spread
  bool compute_on_open = false;  // start computing at start-up (demos and screenshots, no click)
  bool operator==(const RobustnessSettings&) const = default;
};

// The mode heatmap k shows.
inline HeatmapMode heatmap_mode(const ViewSettings& view, std::size_t k) {
  return k < view.modes.size() ? view.modes[k] : view.mode;
}

struct AppState {
  DataSettings data;
  AttentionSettings attention;
  NoiseSettings noise;
  ViewSettings view;
  LessonSettings lesson;
  RobustnessSettings robustness;
  bool operator==(const AppState&) const = default;
};

}  // namespace ax
