#include "state/scenario_file.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "attn/base/enum_names.hpp"
#include "attn/base/errors.hpp"
#include "attn/base/safe_text.hpp"
#include "attn/io/atomic_file.hpp"
#include "state/json_file.hpp"
#include "state/limits.hpp"
#include "state/scenario_limits.hpp"

namespace ax {
namespace {

using nlohmann::json;

constexpr int kScenarioVersion = 1;

// ---- Enum names as they appear in files.

template <class E>
struct EnumNames;

template <>
struct EnumNames<DataSource> {
  static constexpr attn::NameOf<DataSource> table[] = {{DataSource::Generated, "generated"},
                                                       {DataSource::Points2D, "points"},
                                                       {DataSource::File, "file"},
                                                       {DataSource::Sentence, "sentence"}};
};
template <>
struct EnumNames<FileContent> {
  static constexpr attn::NameOf<FileContent> table[] = {
      {FileContent::Auto, "auto"}, {FileContent::Vectors, "vectors"}, {FileContent::Weights, "weights"}};
};
template <>
struct EnumNames<HeatmapMode> {
  static constexpr attn::NameOf<HeatmapMode> table[] = {{HeatmapMode::Clean, "clean"},
                                                        {HeatmapMode::Perturbed, "perturbed"},
                                                        {HeatmapMode::AbsDifference, "abs-difference"},
                                                        {HeatmapMode::SignedDifference, "signed-difference"}};
};

template <>
struct EnumNames<PixelReduction> {
  static constexpr attn::NameOf<PixelReduction> table[] = {{PixelReduction::Max, "max"},
                                                           {PixelReduction::Mean, "mean"}};
};

// ---- One description of every field, used to write and to read (no field named twice).

template <class Visitor>
void visit(DataSettings& s, Visitor& v) {
  v("source", s.source);
  v("generator", s.generator);
  v("n", s.n);
  v("d", s.d);
  v("seed", s.seed);
  v("clusters", s.clusters);
  v("points", s.points);
  v("vectors_path", s.vectors_path);
  v("keys_path", s.keys_path);
  v("tokens_path", s.tokens_path);
  v("content", s.content);
  v("group", s.group);
  v("layer", s.layer);
  v("head", s.head);
  v("tokens", s.tokens);
  v("centre", s.centre);
  v("sentence", s.sentence);
  v("language_model", s.language_model);
  v("language_model_method", s.language_model_method);
}

template <class Visitor>
void visit(AttentionSettings& s, Visitor& v) {
  v("score", s.score);
  v("alpha", s.alpha);
  v("methods", s.methods);
  v("mask", s.mask);
  v("double", s.use_double);
  v("subtract_max", s.subtract_max);
}

template <class Visitor>
void visit(NoiseSettings& s, Visitor& v) {
  v("shift", s.shift);
  v("scale", s.scale);
  v("row_shift_rms", s.row_shift_rms);
  v("column_shift_rms", s.column_shift_rms);
  v("score_noise_rms", s.score_noise_rms);
  v("global_rms", s.global_rms);
  v("local_rms", s.local_rms);
  v("target", s.target);
  v("seed", s.seed);
  v("draw", s.draw);
  v("animate", s.animate);
  v("animate_frames", s.animate_frames);
  v("study_draws", s.study_draws);
}

template <class Visitor>
void visit(ViewSettings& s, Visitor& v) {
  v("mode", s.mode);
  v("modes", s.modes);
  v("colormap", s.colormap);
  v("difference_colormap", s.difference_colormap);
  v("log_scale", s.log_scale);
  v("shared_range", s.shared_range);
  v("versus_model", s.versus_model);
  v("exclude_first_key", s.exclude_first_key);
  v("reduction", s.reduction);
  v("zoom", s.zoom);
  v("pan", s.pan);
  v("selected_row", s.selected_row);
  v("selected_method", s.selected_method);
  v("chart_shift_min", s.chart_shift_min);
  v("chart_shift_max", s.chart_shift_max);
  v("show_charts", s.show_charts);
  v("presentation", s.presentation);
  v("sweep_to", s.sweep_to);
}

template <class Visitor>
void visit(LessonSettings& s, Visitor& v) {
  v("path", s.path);
  v("step", s.step);
  v("revealed", s.revealed);
  v("theta", s.theta);
  v("theta2", s.theta2);
  v("propagation_steps", s.propagation_steps);
  v("playing", s.playing);
  v("shuffled", s.shuffled);
  v("metric_row1", s.metric_row1);
  v("metric_row2", s.metric_row2);
  v("metric_query", s.metric_query);
}

template <class Visitor>
void visit(RobustnessSettings& s, Visitor& v) {
  v("models", s.models);
  v("shifts", s.shifts);
  v("global_rms", s.global_rms);
  v("windows", s.windows);
  v("seeds", s.seeds);
  v("compute_on_open", s.compute_on_open);
}

template <class Visitor>
void visit(AppState& s, Visitor& v) {
  v.section("data", s.data);
  v.section("attention", s.attention);
  v.section("noise", s.noise);
  v.section("view", s.view);
  v.section("lesson", s.lesson);
  v.section("robustness", s.robustness);
}

template <class E>
std::string enum_name(E value) {
  return std::string(attn::name_of(EnumNames<E>::table, value));
}

// ---- Writing.

struct Writer {
  json out = json::object();

  template <class T>
  void operator()(const char* key, const T& value) {
    if constexpr (std::is_enum_v<T>) {
      out[key] = enum_name(value);
    } else if constexpr (std::is_same_v<T, std::vector<HeatmapMode>>) {
      json list = json::array();
      for (HeatmapMode m : value) list.push_back(enum_name(m));
      out[key] = list;
    } else {
      out[key] = value;
    }
  }
  template <class Section>
  void section(const char* key, Section& s) {
    Writer inner;
    visit(s, inner);
    out[key] = std::move(inner.out);
  }
};

// ---- Reading with type checks.

struct Reader {
  const json& in;
  std::string path;   // key path of `in`, e.g. "noise"
  std::string where;  // file name for messages
  std::set<std::string> known;

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    throw attn::InputError(where + ": " + (path.empty() ? "" : path + ".") + key + ": " + problem);
  }

  template <class T>
  void operator()(const char* key, T& value) {
    known.insert(key);
    auto it = in.find(key);
    if (it == in.end()) return;
    read(key, *it, value);
  }

  template <class Section>
  void section(const char* key, Section& s) {
    known.insert(key);
    auto it = in.find(key);
    if (it == in.end()) return;
    if (!it->is_object()) fail(key, "must be an object");
    Reader inner{*it, path.empty() ? key : path + "." + key, where, {}};
    visit(s, inner);
    inner.reject_unknown();
  }

  void reject_unknown() const {
    for (auto it = in.begin(); it != in.end(); ++it) {
      if (!known.count(it.key())) fail(attn::printable(it.key(), 80), "unknown key");
    }
  }

  void read(const char* key, const json& j, std::string& v) {
    if (!j.is_string()) fail(key, "must be a string");
    v = j.get<std::string>();
  }
  void read(const char* key, const json& j, bool& v) {
    if (!j.is_boolean()) fail(key, "must be true or false");
    v = j.get<bool>();
  }
  void read(const char* key, const json& j, double& v) {
    if (!j.is_number()) fail(key, "must be a number");
    v = j.get<double>();
    if (!std::isfinite(v)) fail(key, "must be finite");
  }
  void read(const char* key, const json& j, float& v) {
    double d = 0.0;
    read(key, j, d);
    // Narrowed only when it fits: a double beyond float's range has no float value.
    if (std::abs(d) > static_cast<double>(std::numeric_limits<float>::max())) fail(key, "is out of range");
    v = static_cast<float>(d);
  }
  void read(const char* key, const json& j, int& v) {
    if (!j.is_number_integer()) fail(key, "must be a whole number");
    // Unsigned values beyond 2^63 would wrap as long long (2^64 - 1 read as -1).
    if (j.is_number_unsigned() && j.get<std::uint64_t>() > 2147483647ULL) fail(key, "is out of range");
    const auto wide = j.get<long long>();
    if (wide < -2147483647LL || wide > 2147483647LL) fail(key, "is out of range");
    v = static_cast<int>(wide);
  }
  void read(const char* key, const json& j, std::uint64_t& v) {
    if (!j.is_number_unsigned()) fail(key, "must be a non-negative whole number");
    v = j.get<std::uint64_t>();
  }
  void read(const char* key, const json& j, std::vector<std::string>& v) {
    if (!j.is_array()) fail(key, "must be a list of strings");
    v.clear();
    for (const auto& item : j) {
      if (!item.is_string()) fail(key, "must be a list of strings");
      v.push_back(item.get<std::string>());
    }
  }
  void read(const char* key, const json& j, std::vector<double>& v) {
    if (!j.is_array()) fail(key, "must be a list of numbers");
    v.clear();
    for (const auto& item : j) {
      if (!item.is_number() || !std::isfinite(item.get<double>())) fail(key, "must be a list of finite numbers");
      v.push_back(item.get<double>());
    }
  }
  void read(const char* key, const json& j, std::vector<std::array<double, 2>>& v) {
    if (!j.is_array()) fail(key, "must be a list of [x, y] pairs");
    v.clear();
    for (const auto& item : j) {
      if (!item.is_array() || item.size() != 2 || !item[0].is_number() || !item[1].is_number()) {
        fail(key, "must be a list of [x, y] pairs of numbers");
      }
      v.push_back({item[0].get<double>(), item[1].get<double>()});
      if (!std::isfinite(v.back()[0]) || !std::isfinite(v.back()[1])) fail(key, "points must be finite");
    }
  }
  void read(const char* key, const json& j, std::array<double, 2>& v) {
    if (!j.is_array() || j.size() != 2 || !j[0].is_number() || !j[1].is_number()) {
      fail(key, "must be a pair [x, y] of numbers");
    }
    v = {j[0].get<double>(), j[1].get<double>()};
    if (!std::isfinite(v[0]) || !std::isfinite(v[1])) fail(key, "must be finite");
  }
  void read(const char* key, const json& j, std::array<float, 2>& v) {
    if (!j.is_array() || j.size() != 2) fail(key, "must be a pair [x, y] of numbers");
    for (std::size_t k = 0; k < 2; ++k) read(key, j[k], v[k]);
  }
  void read(const char* key, const json& j, std::vector<HeatmapMode>& v) {
    if (!j.is_array()) fail(key, "must be a list of heatmap modes");
    v.clear();
    for (const auto& item : j) {
      HeatmapMode mode{};
      read(key, item, mode);
      v.push_back(mode);
    }
  }
  template <class E, std::enable_if_t<std::is_enum_v<E>, int> = 0>
  void read(const char* key, const json& j, E& v) {
    const auto value = j.is_string() ? attn::value_of(EnumNames<E>::table, j.get<std::string>()) : std::nullopt;
    if (!value) fail(key, "must be one of " + attn::choices_of(EnumNames<E>::table));
    v = *value;
  }
};

void require(bool ok, const std::string& where, const std::string& key, const std::string& problem) {
  if (!ok) throw attn::InputError(where + ": " + key + ": " + problem);
}

}  // namespace

json scenario_to_json(const AppState& state) {
  Writer writer;
  visit(const_cast<AppState&>(state), writer);  // the writer only reads
  // Unsigned, as a parsed file holds it: the reader accepts only an unsigned version.
  writer.out["version"] = static_cast<std::uint64_t>(kScenarioVersion);
  return writer.out;
}

AppState scenario_from_json(const json& j, const AppState& base, const std::string& where) {
  if (!j.is_object()) throw attn::InputError(where + ": a scenario must be a JSON object");
  AppState state = base;
  Reader reader{j, "", where, {"version"}};
  if (auto v = j.find("version"); v != j.end()) {
    // Compared as read: get<int>() made 2^32 + 1 into 1.
    require(v->is_number_unsigned() && v->get<std::uint64_t>() == kScenarioVersion, where, "version",
            "unsupported scenario version (this app reads version " + std::to_string(kScenarioVersion) + ")");
  }
  visit(state, reader);
  reader.reject_unknown();
  validate_state(state, where);
  return state;
}

void validate_state(const AppState& s, const std::string& where) {
  // Every number against its range (one table, shared with the fuzz target), then what relates
  // numbers and the lengths of lists.
  check_numeric_fields(s, where);
  auto need = [&](bool ok, const char* key, const std::string& problem) { require(ok, where, key, problem); };
  need(s.attention.mask == "none" || s.attention.mask == "causal" || s.attention.mask == "model", "attention.mask",
       "must be none, causal or model (a model file's own masks)");
  need(s.data.points.size() <= 512, "data.points", "at most 512 points");
  need(s.data.tokens.size() <= static_cast<std::size_t>(kMaxTokenLabels), "data.tokens",
       "at most " + std::to_string(kMaxTokenLabels) + " labels");
  need(s.attention.methods.size() <= kMaxMethods, "attention.methods",
       "at most " + std::to_string(kMaxMethods) + " methods at once");
  const RobustnessSettings& r = s.robustness;
  need(s.data.sentence.size() <= 4096, "data.sentence", "at most 4096 bytes (the models read 64 tokens)");
  need(!r.models.empty() && r.models.size() <= 16, "robustness.models", "between 1 and 16 models");
  need(r.shifts.size() <= 32 && r.global_rms.size() <= 32, "robustness", "at most 32 levels of M and of s_g");
  for (double rms : r.global_rms) need(rms >= 0.0 && rms <= 100.0, "robustness.global_rms", "levels between 0 and 100");
  for (double m : r.shifts) need(m >= -1e4 && m <= 1e4, "robustness.shifts", "levels between -1e4 and 1e4");
  need(r.windows >= 1 && r.windows <= 100000, "robustness.windows", "must be between 1 and 100000");
  need(r.seeds >= 1 && r.seeds <= 100, "robustness.seeds", "must be between 1 and 100");
  need(s.view.modes.size() <= kMaxMethods, "view.modes", "at most one mode per method");
  need(s.view.chart_shift_max > s.view.chart_shift_min, "view.chart_shift_min",
       "the chart's shift range must satisfy 0 < min < max");
}

AppState load_scenario_file(const std::string& path, const AppState& base) {
  return scenario_from_json(read_json_file(path, "scenario file"), base, path);
}

void save_scenario_file(const std::string& path, const AppState& state) {
  attn::write_json_atomically(path, scenario_to_json(state));
}

}  // namespace ax
