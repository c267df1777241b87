// `functions`: every method with its formula, parameter and shift invariance. Invariance is
// measured by evaluating the method, never typed in: a table that claims exp is invariant is
// only as good as the engine that just computed it.
#include <iostream>
#include <memory>

#include "attention_options.hpp"
#include "attn/experiments/experiments.hpp"
#include "attn/kernels/methods.hpp"
#include "commands.hpp"
#include "text_table.hpp"

namespace cli {
namespace {

std::string verdict(double deviation) {
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
    TextTable table({"method", "evaluated as", "F(s) or rule", "parameter", "ratio form", "constant shift",
                     "per-row shift", "per-column shift"});
    for (const auto& method : methods) {
      const auto& info = attn::method_info(method.kind);
      const attn::ShiftResponse r = attn::probe_shift_response(method);
      table.add_row({std::string(info.syntax), method.spec(), std::string(info.formula),
                     info.parameter.empty() ? "-" : std::string(info.parameter), method.is_ratio_form() ? "yes" : "no",
                     verdict(r.constant), verdict(r.per_row), verdict(r.per_column)});
    }
    table.print(std::cout);
    std::cout << "\nShift columns: max |W(s + shift) - W(s)| measured now in float64 on fixed random 16 x 16\n"
                 "scores (constant shift 1; per-row and per-column shifts uniform in [0.5, 1.5]);\n"
                 "'invariant' means at most "
              << attn::ShiftResponse::kTolerance << ".\n";
  };
}

}  // namespace cli
