// `functions`: every method with its formula, parameter and shift invariance. Invariance is
// measured by evaluating the method, never typed in: a table that claims exp is invariant is
// only as good as the engine that just computed it.
#include <cmath>
#include <iostream>
#include <memory>

#include "attention_options.hpp"
#include "attn/experiments/experiments.hpp"
#include "attn/kernels/methods.hpp"
#include "commands.hpp"
#include "text_table.hpp"

namespace cli {
namespace {

// "yes", or the range of the row masses the probe measured.
std::string rows_sum_to_one(const attn::ShiftResponse& r) {
  if (std::abs(r.min_row_mass - 1.0) <= 1e-9 && std::abs(r.max_row_mass - 1.0) <= 1e-9) return "yes";
  if (!(r.min_row_mass <= r.max_row_mass)) return "undefined";
  return "no (" + format_number(r.min_row_mass, 2) + ".." + format_number(r.max_row_mass, 2) + ")";
}

std::string verdict(double deviation, const attn::ShiftResponse& r) {
  if (!r.refused.empty()) return "no scores";
  if (!(deviation == deviation)) return "undefined";
  return (deviation <= attn::ShiftResponse::kTolerance ? "invariant (" : "changes (") + format_number(deviation, 2) +
         ")";
}

}  // namespace

Action add_functions_command(CLI::App& app) {
  auto* sub =
      app.add_subcommand("functions", "List every method with its formula, parameter and measured shift invariance");
  auto methods_text = std::make_shared<std::string>();
  sub->add_option("--methods", *methods_text,
                  "Evaluate these methods instead of the catalogue's examples (comma-separated)");
  return [methods_text] {
    std::vector<attn::Method> methods;
    if (methods_text->empty()) {
      for (const auto& info : attn::method_catalogue()) methods.push_back(attn::parse_method(info.example));
    } else {
      methods = parse_methods_option("--methods", *methods_text);
    }
    TextTable table({"method", "evaluated as", "F(s) or rule", "parameter", "ratio form", "rows sum to 1",
                     "constant shift", "per-row shift", "per-column shift"});
    std::vector<std::string> notes;
    for (const auto& method : methods) {
      const auto& info = attn::method_info(method.kind);
      const attn::ShiftResponse r = attn::probe_shift_response(method);
      table.add_row({std::string(info.syntax), method.spec(), std::string(info.formula),
                     info.parameter.empty() ? "-" : std::string(info.parameter), method.is_ratio_form() ? "yes" : "no",
                     rows_sum_to_one(r), verdict(r.constant, r), verdict(r.per_row, r), verdict(r.per_column, r)});
      if (r.mask == attn::Mask::Causal)
        notes.push_back(method.spec() + ": evaluated with the causal mask, which it needs.");
      if (!r.refused.empty()) notes.push_back(r.refused + ".");
    }
    table.print(std::cout);
    std::cout << "\nShift columns: max |W(s + shift) - W(s)| measured now in float64 on fixed random 16 x 16\n"
                 "scores (constant shift 1; per-row and per-column shifts uniform in [0.5, 1.5]);\n"
                 "'invariant' means at most "
              << attn::ShiftResponse::kTolerance
              << ".\nFeature maps (linear-attn, performer) are evaluated on fixed random 16 x 8 queries and keys,\n"
                 "the shifts given as a perturbation. 'rows sum to 1': measured on the unshifted weights (the\n"
                 "range of the row masses when they do not).\n";
    for (const std::string& note : notes) std::cout << note << "\n";
  };
}

}  // namespace cli
