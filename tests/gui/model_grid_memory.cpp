// Peak memory of the model view on a long model file (issue 17, item 8): the controller opens a
// file of Q and K only (TOKENS x HEADS x LAYERS, written by make_long_model.py), pictures every
// head of the grid and computes the head shown, with no window; then prints the process's peak
// resident memory (VmHWM) and fails when it is above LIMIT_MIB.
//
//   gui_model_grid_memory OUT.npz TOKENS HEADS LAYERS DIM LIMIT_MIB
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "controller/app_controller.hpp"

namespace {

double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1.0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: gui_model_grid_memory OUT.npz TOKENS HEADS LAYERS DIM LIMIT_MIB\n";
    return 2;
  }
  const std::string path = argv[1];
  std::string command = std::string(AX_PYTHON) + " " + AX_LONG_MODEL_SCRIPT + " " + path;
  for (int k = 2; k <= 5; ++k) command += std::string(" ") + argv[k];
  command += " --causal";
  if (std::system(command.c_str()) != 0) {
    std::cerr << "error: could not write " << path << "\n";
    return 3;
  }
  const double before = peak_rss_mib();
  ax::AppState state;
  state.data.source = ax::DataSource::File;
  state.data.vectors_path = path;
  state.attention.methods = {"exp", "relu"};
  ax::AppController app(state);
  app.wait_for_results();
  const auto cells = app.model_grid_cells();
  const bool complete = cells && cells->complete();
  const double peak = peak_rss_mib();
  const double limit = std::atof(argv[6]);
  std::printf("model file: %s x %s heads x %s layers, d = %s (Q and K only)\n", argv[2], argv[3], argv[4], argv[5]);
  std::printf("grid: %zu of %zu heads pictured%s\n", cells ? cells->done : 0, cells ? cells->cells.size() : 0,
              cells && !cells->error.empty() ? (", error: " + cells->error).c_str() : "");
  std::printf("compute path of the head shown: %s\n",
              app.result() && app.result()->path == ax::ComputePath::Streaming ? "streaming" : "dense");
  std::printf("peak_rss_mib_before_open: %.1f\n", before);
  std::printf("peak_rss_mib: %.1f\n", peak);
  std::remove(path.c_str());
  if (!complete) return 1;
  if (peak > limit) {
    std::printf("error: peak %.1f MiB is above the limit of %.0f MiB\n", peak, limit);
    return 1;
  }
  return 0;
}
