#include "compute/sentence_loading.hpp"

#include <filesystem>

#include "attn/base/errors.hpp"
#include "attn/io/model_file.hpp"
#include "attn/lm/forward.hpp"
#include "compute/language_models.hpp"
#include "compute/model_loading.hpp"

namespace ax {
namespace {

std::shared_ptr<SentenceInput> tokenize(const DataSettings& s) {
  auto input = std::make_shared<SentenceInput>();
  input->model = language_model_cache().model(language_model_path(s.language_model));
  if (!s.language_model_method.empty()) input->method = attn::parse_method(s.language_model_method);
  std::vector<std::string> tokens = attn::tokenize_kjv_words(s.sentence);
  if (tokens.empty()) throw attn::InputError("the sentence has no tokens: type some words");
  // The model reads at most `context` tokens; the prediction is about what follows the last ones.
  const auto context = static_cast<std::size_t>(input->model->config.context);
  if (tokens.size() > context) {
    input->dropped = tokens.size() - context;
    tokens.erase(tokens.begin(), tokens.begin() + static_cast<long>(input->dropped));
  }
  input->ids = input->model->vocabulary.encode(tokens);
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    if (input->ids[t] == 0) input->unknown.push_back(tokens[t]);
  }
  input->tokens = std::move(tokens);
  return input;
}

// [L, H, rows, cols] from one matrix per head.
attn::NdArray stack(const attn::LmRun<float>& run, attn::Index rows, attn::Index cols,
                    const attn::MatF& (*get)(const attn::LmHeadRecord<float>&)) {
  attn::NdArray out;
  out.dtype = attn::DType::Float32;
  out.shape = {run.layers, run.heads_per_layer, rows, cols};
  out.values.reserve(static_cast<std::size_t>(out.size()));
  for (const auto& head : run.heads) {
    const attn::MatF& m = get(head);
    out.values.insert(out.values.end(), m.data(), m.data() + m.size());
  }
  return out;
}

// The run as the model file tools/export_attention.py would write for it.
attn::ModelFile run_as_model_file(const SentenceInput& input, const attn::LmRun<float>& run) {
  attn::ModelFile file;
  file.path = input.model->path;
  file.stack_shape = {run.layers, run.heads_per_layer};
  const attn::Index n = static_cast<attn::Index>(input.ids.size()), d = input.model->config.d_head;
  file.queries = stack(run, n, d, [](const auto& h) -> const attn::MatF& { return h.q; });
  file.keys = stack(run, n, d, [](const auto& h) -> const attn::MatF& { return h.k; });
  file.values = stack(run, n, d, [](const auto& h) -> const attn::MatF& { return h.v; });
  file.weights = stack(run, n, n, [](const auto& h) -> const attn::MatF& { return h.weights.matrix; });
  for (int id : input.ids) file.tokens.push_back(input.model->vocabulary.token(id));
  for (int l = 0; l < run.layers; ++l) file.layer_names.push_back("blocks." + std::to_string(l) + ".attn");
  file.mask = "causal";
  return file;
}

}  // namespace

void load_sentence(LoadedData& data, const DataSettings& s) {
  const std::shared_ptr<SentenceInput> input = tokenize(s);
  attn::LmRunOptions options;
  options.method = input->method;
  const attn::LmRun<float> run = attn::run_language_model<float>(*input->model, input->ids, options);
  load_model_run(data, s, run_as_model_file(*input, run));
  const std::string f =
      input->method ? input->method->spec() + " in place of its own F" : "F = " + input->model->config.method_spec;
  data.description = std::to_string(input->ids.size()) + " tokens through " +
                     std::filesystem::path(input->model->path).filename().string() + " (" +
                     input->model->description() + "; " + f + "), " + data.model->head_name(data.layer, data.head);
  data.notices.clear();
  if (!input->unknown.empty()) {
    std::string words;
    for (const std::string& w : input->unknown) words += (words.empty() ? "" : ", ") + w;
    data.notices.push_back("not in the model's vocabulary, read as <unk>: " + words);
  }
  if (input->dropped > 0) {
    data.notices.push_back("the model reads " + std::to_string(input->model->config.context) + " tokens: the first " +
                           std::to_string(input->dropped) + " were left out");
  }
  data.sentence = input;
}

}  // namespace ax
