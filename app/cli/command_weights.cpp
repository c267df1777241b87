// `weights`: the weight matrix (and optionally the outputs y = W V) for one method.
#include <iostream>
#include <memory>
#include <sstream>

#include "attention_options.hpp"
#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/base/safe_text.hpp"
#include "attn/io/array_files.hpp"
#include "attn/kernels/attention.hpp"
#include "attn/kernels/feature_maps.hpp"
#include "attn/kernels/methods.hpp"
#include "commands.hpp"
#include "file_masks.hpp"
#include "input_files.hpp"

namespace cli {
namespace {

struct WeightsOptions {
  AttentionOptions attention;
  double shift = 0.0;
  std::string method = "exp";
  std::string out;
  std::string values;
  std::string outputs;
};

void warn_undefined(const std::vector<attn::Index>& rows, const std::vector<attn::RowStatus>& status, attn::Index total,
                    const std::string& where) {
  if (rows.empty()) return;
  std::ostringstream list;
  constexpr std::size_t kShown = 20;
  for (std::size_t k = 0; k < rows.size() && k < kShown; ++k) {
    list << (k ? ", " : "") << rows[k] << " (" << attn::row_status_name(status[static_cast<std::size_t>(rows[k])])
         << ")";
  }
  if (rows.size() > kShown) list << ", ... " << rows.size() - kShown << " more";
  std::cerr << "warning: " << where << rows.size() << " of " << total
            << " rows have undefined weights, written as NaN: rows " << list.str() << "\n";
}

template <class T>
void run(const WeightsOptions& o) {
  o.attention.apply_thread_count();
  attn::AttentionSpec spec;
  spec.score = o.attention.score_kind();
  spec.alpha = o.attention.alpha;
  const FileMasks masks(o.attention);
  try {
    spec.method = attn::parse_method(o.method);
  } catch (const attn::UsageError& e) {
    throw attn::UsageError(std::string("--method: ") + e.what());
  }
  if (o.outputs.empty() != o.values.empty()) {
    throw attn::UsageError("--values and --outputs go together: give both or neither");
  }
  if (o.out.empty() && o.outputs.empty()) throw attn::UsageError("--out: give --out, or --values with --outputs");
  // Only outputs asked for, of a feature-map method: y = phi(Q) (phi(K)^T V) / ..., never W.
  const bool outputs_only = o.out.empty() && spec.method.is_feature_map();
  if (!std::isfinite(o.shift)) throw attn::UsageError("--shift: must be a finite number");
  attn::Perturbation perturbation;
  perturbation.shift = o.shift;

  const VectorStack stack = load_vector_stack(o.attention.input, o.attention.keys, o.attention.selection);
  if (!masks.note().empty()) std::cerr << attn::one_line(masks.note()) << "\n";
  const std::size_t heads = stack.queries.size();
  if (!outputs_only) {
    // Every head's W is kept for the output file, plus the one being computed.
    const attn::Index n_all = stack.queries.front().rows();
    const attn::Index m_all = stack.keys.empty() ? n_all : stack.keys.front().rows();
    attn::check_memory_budget(attn::array_bytes({static_cast<attn::Index>(heads) + 1, n_all, m_all}, sizeof(T)),
                              "weights of " + std::to_string(heads) + " head(s) of " + std::to_string(n_all) + " x " +
                                  std::to_string(m_all) + (sizeof(T) == 4 ? " in float32" : " in float64"));
  }
  std::vector<attn::MatD> values;
  if (!o.values.empty()) {
    const attn::NdArray array = read_selected(o.values, o.attention.selection, false);
    values = array.stack();
    // One value matrix serves every head; a stack must have one matrix per head.
    if (array.rank() >= 3 && values.size() != heads) {
      throw attn::InputError(o.values + ": " + std::to_string(values.size()) + " value matrices but " +
                             o.attention.input + " has " + std::to_string(heads) + " heads");
    }
  }
  std::vector<T> weight_data, output_data;
  attn::Index n = 0, m = 0, e = 0;
  for (std::size_t h = 0; h < heads; ++h) {
    const attn::Vectors<T> vectors = head_vectors<T>(stack, h, o.attention.input, o.attention.keys);
    masks.apply(spec, h);
    n = vectors.queries.rows();
    m = vectors.key_vectors().rows();
    attn::Weights<T> w;
    if (!outputs_only) {
      w = attn::compute_weights(vectors, spec, perturbation);
      weight_data.insert(weight_data.end(), w.matrix.data(), w.matrix.data() + w.matrix.size());
      warn_undefined(w.undefined_rows(), w.rows, n, stack_place(stack.stack_shape, h));
    }
    if (!values.empty()) {
      const attn::MatD& v = values[values.size() == 1 ? 0 : h];
      if (v.rows() != m) {
        throw attn::InputError(o.values + ": " + std::to_string(v.rows()) + " value rows but there are " +
                               std::to_string(m) + " keys");
      }
      const attn::Mat<T> y = outputs_only
                                 ? attn::feature_map_outputs(vectors, spec, attn::Mat<T>(v.cast<T>()), perturbation)
                                 : attn::attention_outputs(w, attn::Mat<T>(v.cast<T>()));
      e = y.cols();
      output_data.insert(output_data.end(), y.data(), y.data() + y.size());
    }
  }
  // A stack in gives a stack of the same leading axes out, even of one head, so scripts can index
  // layers and heads uniformly.
  auto shape = [&](attn::Index cols) {
    std::vector<attn::Index> out = stack.stack_shape;
    out.push_back(n);
    out.push_back(cols);
    return out;
  };
  if (!o.out.empty()) attn::write_array_file(o.out, weight_data.data(), shape(m));
  if (!o.outputs.empty()) attn::write_array_file(o.outputs, output_data.data(), shape(e));
}

}  // namespace

Action add_weights_command(CLI::App& app) {
  auto* sub = app.add_subcommand("weights", "Compute the attention weight matrix W (#queries x #keys)");
  auto o = std::make_shared<WeightsOptions>();
  o->attention.add_to(*sub);
  sub->add_option("--shift", o->shift, "Constant M added to every score before alpha")->capture_default_str();
  sub->add_option("--method,-m", o->method, "Method (see `functions`), e.g. exp, relu, power:2, custom:exp(z)")
      ->capture_default_str();
  sub->add_option("--out,-o", o->out,
                  "Output W, .npy or .csv (undefined rows are NaN); may be left out when --outputs is given "
                  "(linear-attn and performer then never form W)");
  sub->add_option("--values", o->values, "Values V (#keys x e): also compute outputs y_i = sum_j w_ij v_j");
  sub->add_option("--outputs", o->outputs, "Where to write the outputs Y (#queries x e)");
  return [o] { o->attention.use_double ? run<double>(*o) : run<float>(*o); };
}

}  // namespace cli
