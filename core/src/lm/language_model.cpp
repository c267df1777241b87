#include "attn/lm/language_model.hpp"

#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/io/npz.hpp"

namespace attn {
namespace {

using nlohmann::json;

// Sizes a config may give: far above the shipped models (D = 64, T = 64, V = 3072), far below
// what would exhaust memory before the budget check says so.
constexpr int kMaxLayers = 64;
constexpr int kMaxHeads = 64;
constexpr int kMaxWidth = 8192;  // d_model and mlp_width
constexpr int kMaxContext = 8192;
constexpr int kMaxVocabulary = 1 << 20;

int config_int(const json& config, const char* key, int low, int high, const std::string& path) {
  if (!config.contains(key) || !config[key].is_number_integer()) {
    throw InputError(path + ": member 'config': '" + key + "' is missing or not an integer");
  }
  const long long value = config[key].get<long long>();
  if (value < low || value > high) {
    throw InputError(path + ": member 'config': '" + key + "' is " + std::to_string(value) + " (must be " +
                     std::to_string(low) + " to " + std::to_string(high) + ")");
  }
  return static_cast<int>(value);
}

std::string config_text(const json& config, const char* key, const std::string& fallback) {
  return config.contains(key) && config[key].is_string() ? config[key].get<std::string>() : fallback;
}

double config_number(const json& config, const char* key, double fallback) {
  return config.contains(key) && config[key].is_number() ? config[key].get<double>() : fallback;
}

long long config_integer(const json& config, const char* key) {
  return config.contains(key) && config[key].is_number_integer() ? config[key].get<long long>() : 0;
}

void require_text(const json& config, const char* key, std::string_view expected, const std::string& path) {
  const std::string value = config_text(config, key, "");
  if (value != expected) {
    throw InputError(path + ": member 'config': '" + key + "' is '" + value + "'; this program runs '" +
                     std::string(expected) + "' only");
  }
}

LanguageModelConfig parse_config(const std::string& text, const std::string& path) {
  json config;
  try {
    config = json::parse(text);
  } catch (const json::exception& e) {
    throw InputError(path + ": member 'config' is not valid JSON (" + e.what() + ")");
  }
  if (!config.is_object()) throw InputError(path + ": member 'config' is not a JSON object");
  LanguageModelConfig c;
  c.layers = config_int(config, "layers", 1, kMaxLayers, path);
  c.heads = config_int(config, "heads", 1, kMaxHeads, path);
  c.d_model = config_int(config, "d_model", 1, kMaxWidth, path);
  c.d_head = config_int(config, "d_head", 1, kMaxWidth, path);
  c.context = config_int(config, "context", 1, kMaxContext, path);
  c.mlp_width = config_int(config, "mlp_width", 1, kMaxWidth, path);
  c.vocab_size = config_int(config, "vocab_size", 2, kMaxVocabulary, path);
  if (c.heads * c.d_head != c.d_model) {
    throw InputError(path + ": member 'config': heads x d_head = " + std::to_string(c.heads * c.d_head) +
                     " differs from d_model = " + std::to_string(c.d_model));
  }
  c.method_spec = config_text(config, "method", "");
  try {
    c.method = parse_method(c.method_spec);
  } catch (const UsageError& e) {
    throw InputError(path + ": member 'config': 'method': " + e.what());
  }
  require_text(config, "tokenizer", kKjvWordsTokenizer, path);
  require_text(config, "undefined_row_policy", "zero-output", path);
  if (config.contains("activation")) require_text(config, "activation", "gelu-erf", path);
  c.layer_norm_eps = config_number(config, "layer_norm_eps", -1.0);
  if (!(c.layer_norm_eps > 0.0 && c.layer_norm_eps < 1.0)) {
    throw InputError(path + ": member 'config': 'layer_norm_eps' is missing or outside (0, 1)");
  }
  c.name = config_text(config, "name", "");
  c.noise_global_rms = config_number(config, "noise_global_rms", 0.0);
  c.seed = config_integer(config, "seed");
  c.steps = config_integer(config, "steps");
  c.script_version = config_text(config, "script_version", "");
  c.status = config_text(config, "status", "");
  c.trained = config.contains("trained") && config["trained"].is_boolean() && config["trained"].get<bool>();
  c.heldout_perplexity = config_number(config, "heldout_perplexity", 0.0);
  c.undefined_row_fraction = config_number(config, "undefined_row_fraction", 0.0);
  c.json = text;
  return c;
}

// Reads the weights member by member, each checked against the shape the config gives.
class WeightReader {
 public:
  WeightReader(const NpzArchive& archive, const std::string& path) : archive_(archive), path_(path) {}

  void matrix(const std::string& name, Index rows, Index cols, Mat<float>& f, Mat<double>& d) const {
    const NdArray a = read(name, {rows, cols});
    f = Eigen::Map<const MatD>(a.values.data(), rows, cols).cast<float>();
    d = f.cast<double>();
  }
  void vector(const std::string& name, Index size, Vec<float>& f, Vec<double>& d) const {
    const NdArray a = read(name, {size});
    f = Eigen::Map<const Vec<double>>(a.values.data(), size).cast<float>();
    d = f.cast<double>();
  }

 private:
  NdArray read(const std::string& name, const std::vector<Index>& shape) const {
    if (!archive_.contains(name)) throw InputError(path_ + ": no member '" + name + "' (a model needs it)");
    NdArray a = archive_.array(name, NonFinite::Reject);
    if (a.shape != shape) {
      NdArray expected;
      expected.shape = shape;
      throw InputError(path_ + ": member '" + name + "' has shape " + a.shape_text() + " but the config needs " +
                       expected.shape_text());
    }
    if (a.dtype != DType::Float32) {
      throw InputError(path_ + ": member '" + name + "' is float64; the model's weights are float32");
    }
    return a;
  }

  const NpzArchive& archive_;
  const std::string& path_;
};

std::uint64_t weight_count(const LanguageModelConfig& c) {
  const std::uint64_t d = static_cast<std::uint64_t>(c.d_model), f = static_cast<std::uint64_t>(c.mlp_width);
  const std::uint64_t per_block = 4 * d * d + 4 * d + 2 * d * f + f + d + 4 * d;
  return static_cast<std::uint64_t>(c.vocab_size) * (d + 1) + static_cast<std::uint64_t>(c.context) * d +
         static_cast<std::uint64_t>(c.layers) * per_block + 2 * d;
}

void read_weights(const NpzArchive& archive, LanguageModel& model) {
  const LanguageModelConfig& c = model.config;
  const WeightReader r(archive, model.path);
  auto& f = model.weights_f;
  auto& d = model.weights_d;
  r.matrix("tok_emb", c.vocab_size, c.d_model, f.tok_emb, d.tok_emb);
  r.matrix("pos_emb", c.context, c.d_model, f.pos_emb, d.pos_emb);
  f.blocks.resize(static_cast<std::size_t>(c.layers));
  d.blocks.resize(static_cast<std::size_t>(c.layers));
  for (int l = 0; l < c.layers; ++l) {
    const std::string p = "blocks." + std::to_string(l) + ".";
    auto& bf = f.blocks[static_cast<std::size_t>(l)];
    auto& bd = d.blocks[static_cast<std::size_t>(l)];
    r.vector(p + "ln1.weight", c.d_model, bf.ln1_weight, bd.ln1_weight);
    r.vector(p + "ln1.bias", c.d_model, bf.ln1_bias, bd.ln1_bias);
    r.matrix(p + "attn.wq", c.d_model, c.d_model, bf.wq, bd.wq);
    r.matrix(p + "attn.wk", c.d_model, c.d_model, bf.wk, bd.wk);
    r.matrix(p + "attn.wv", c.d_model, c.d_model, bf.wv, bd.wv);
    r.matrix(p + "attn.wo", c.d_model, c.d_model, bf.wo, bd.wo);
    r.vector(p + "attn.bq", c.d_model, bf.bq, bd.bq);
    r.vector(p + "attn.bk", c.d_model, bf.bk, bd.bk);
    r.vector(p + "attn.bv", c.d_model, bf.bv, bd.bv);
    r.vector(p + "attn.bo", c.d_model, bf.bo, bd.bo);
    r.vector(p + "ln2.weight", c.d_model, bf.ln2_weight, bd.ln2_weight);
    r.vector(p + "ln2.bias", c.d_model, bf.ln2_bias, bd.ln2_bias);
    r.matrix(p + "mlp.w1", c.d_model, c.mlp_width, bf.w1, bd.w1);
    r.vector(p + "mlp.b1", c.mlp_width, bf.b1, bd.b1);
    r.matrix(p + "mlp.w2", c.mlp_width, c.d_model, bf.w2, bd.w2);
    r.vector(p + "mlp.b2", c.d_model, bf.b2, bd.b2);
  }
  r.vector("ln_f.weight", c.d_model, f.lnf_weight, d.lnf_weight);
  r.vector("ln_f.bias", c.d_model, f.lnf_bias, d.lnf_bias);
  r.vector("lm_head.bias", c.vocab_size, f.lm_head_bias, d.lm_head_bias);
}

std::string one_text(const NpzArchive& archive, const std::string& name, const std::string& path) {
  if (!archive.contains(name)) throw InputError(path + ": no member '" + name + "' (a model needs it)");
  const std::vector<std::string> text = archive.strings(name);
  if (text.size() != 1) {
    throw InputError(path + ": member '" + name + "' has " + std::to_string(text.size()) + " entries (need 1)");
  }
  return text[0];
}

}  // namespace

std::string LanguageModelConfig::description() const {
  std::ostringstream text;
  text << "trained with " << method_spec;
  if (noise_global_rms > 0.0) text << " and shared noise s_g = " << noise_global_rms;
  return text.str();
}

LanguageModel read_language_model(const std::string& path) {
  const NpzArchive archive(path);
  LanguageModel model;
  model.path = path;
  model.config = parse_config(one_text(archive, "config", path), path);
  // float32 and float64 copies, plus the reader's float64 array of the largest member.
  const std::uint64_t weights = weight_count(model.config);
  check_memory_budget(add_bytes(weights * 12, array_bytes({model.config.vocab_size, model.config.d_model}, 8)),
                      path + ": the model's weights");
  if (!archive.contains("vocab")) throw InputError(path + ": no member 'vocab' (a model needs it)");
  std::vector<std::string> vocab = archive.strings("vocab");
  if (static_cast<int>(vocab.size()) != model.config.vocab_size) {
    throw InputError(path + ": member 'vocab' has " + std::to_string(vocab.size()) +
                     " tokens but the config's vocab_size is " + std::to_string(model.config.vocab_size));
  }
  model.vocabulary = Vocabulary(std::move(vocab), path + ": member 'vocab'");
  read_weights(archive, model);
  return model;
}

LanguageModelConfig read_language_model_config(const std::string& path) {
  const NpzArchive archive(path);
  return parse_config(one_text(archive, "config", path), path);
}

}  // namespace attn
