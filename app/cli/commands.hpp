// The subcommands of attention-cli. Each registers its options on the parent app and returns the
// action to run when it was chosen. Actions throw attn::UsageError (exit 2) or attn::InputError
// (exit 3); main() turns them into one "error:" line.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace cli {

using Action = std::function<void()>;

Action add_functions_command(CLI::App& app);
Action add_weights_command(CLI::App& app);
Action add_invariance_command(CLI::App& app);
Action add_noise_command(CLI::App& app);
Action add_generate_command(CLI::App& app);
Action add_bench_command(CLI::App& app);
Action add_overview_command(CLI::App& app);
Action add_lm_command(CLI::App& app);
Action add_lm_robustness_command(CLI::App& app);
Action add_random_features_command(CLI::App& app);
Action add_sinks_command(CLI::App& app);
Action add_length_command(CLI::App& app);

}  // namespace cli
