// attention-cli: the engine for scripts, tests and teachers, without a display.
//
// Exit codes: 0 success; 2 usage error (unknown flag, method or bad formula); 3 input or output
// error (unreadable, malformed, NaN, size mismatch, unwritable). Every error is one line on
// stderr that starts with "error:".
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "attn/base/errors.hpp"
#include "attn/base/safe_text.hpp"
#include "commands.hpp"

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitInput = 3;
constexpr int kExitInternal = 4;

// One line of readable length, whatever the message quotes (member names, formulas, paths).
int report(const std::string& message, int code) {
  std::cerr << "error: " << attn::one_line(message) << "\n";
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Attention Explorer command line: attention weights, invariance and noise experiments.",
               "attention-cli"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every subcommand");

  std::vector<std::pair<CLI::App*, cli::Action>> commands;
  const auto add = [&](cli::Action (*registrar)(CLI::App&)) {
    const std::size_t before = app.get_subcommands({}).size();
    cli::Action action = registrar(app);
    commands.emplace_back(app.get_subcommands({})[before], std::move(action));
  };
  add(cli::add_functions_command);
  add(cli::add_weights_command);
  add(cli::add_invariance_command);
  add(cli::add_noise_command);
  add(cli::add_generate_command);
  add(cli::add_bench_command);
  add(cli::add_overview_command);
  add(cli::add_lm_command);
  add(cli::add_lm_robustness_command);
  add(cli::add_random_features_command);
  add(cli::add_sinks_command);
  add(cli::add_length_command);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    return report(std::string(e.what()) + " (see attention-cli --help)", kExitUsage);
  }

  try {
    for (auto& [sub, action] : commands) {
      if (sub->parsed()) action();
    }
  } catch (const attn::UsageError& e) {
    return report(e.what(), kExitUsage);
  } catch (const attn::InputError& e) {
    return report(e.what(), kExitInput);
  } catch (const std::bad_alloc&) {
    return report("out of memory", kExitInput);
  } catch (const std::exception& e) {
    return report(std::string("internal error: ") + e.what(), kExitInternal);
  }
  return 0;
}
