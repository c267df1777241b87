// Shared by the Google Benchmark programs: random inputs and a console reporter that ends with a
// table of ratios between a peer and the engine measured in the same run.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <unistd.h>

#include "attn/base/random.hpp"
#include "attn/kernels/attention.hpp"

namespace bench {

template <class T>
attn::Mat<T> random_matrix(attn::Index rows, attn::Index cols, std::uint64_t seed) {
  attn::Rng rng(seed);
  attn::Mat<T> x(rows, cols);
  for (attn::Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<T>(rng.normal());
  return x;
}

// Separate queries and keys, standard normal entries (as `attention-cli bench` uses).
template <class T>
attn::Vectors<T> random_vectors(attn::Index n, attn::Index d, std::uint64_t seed = 1) {
  attn::Vectors<T> v;
  v.queries = random_matrix<T>(n, d, seed);
  v.keys = random_matrix<T>(n, d, seed + 1);
  return v;
}

// Benchmarks named "<group>/<who>" with a size argument are paired: for every group and size measured by
// both `peer` and `engine`, Finalize() prints peer time / engine time (> 1: the engine is
// faster). With repetitions the median aggregate is used, otherwise the single run.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter(std::string engine, std::vector<std::string> peers,
                std::string header = "peer time / engine time; > 1: the engine is faster")
      : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular),
        engine_(std::move(engine)),
        peers_(std::move(peers)),
        header_(std::move(header)) {}

  // Groups without `engine` use this one instead (a program with two kinds of groups).
  void set_second_engine(std::string name) { second_engine_ = std::move(name); }

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool aggregate = run.run_type == Run::RT_Aggregate;
      if (aggregate && run.aggregate_name != "median") continue;
      if (!aggregate && run.repetitions > 1) continue;
      const std::string& name = run.run_name.function_name;
      const auto slash = name.find('/');
      if (slash == std::string::npos || run.run_name.args.empty()) continue;
      const Key key{name.substr(0, slash), run.run_name.args};
      const std::string who = name.substr(slash + 1);
      if (order_.empty() || order_.back() != key) order_.push_back(key);
      times_[key][who] = run.GetAdjustedRealTime();
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    bool header = false;
    std::vector<Key> seen;
    for (const Key& key : order_) {
      bool repeated = false;
      for (const Key& k : seen) repeated = repeated || k == key;
      if (repeated) continue;
      seen.push_back(key);
      const auto& who = times_[key];
      auto engine = who.find(engine_);
      if (engine == who.end()) engine = who.find(second_engine_);
      if (engine == who.end()) continue;
      for (const std::string& peer : peers_) {
        const auto p = who.find(peer);
        if (p == who.end()) continue;
        if (!header) {
          std::printf("\nRatios measured in this run (%s)\n", header_.c_str());
          std::printf("%-20s %-8s %-22s %12s %12s %8s\n", "group", "size", "peer", "peer", "engine", "ratio");
          header = true;
        }
        std::printf("%-20s %-8s %-22s %12.4g %12.4g %7.2fx\n", key.first.c_str(), key.second.c_str(), peer.c_str(),
                    p->second, engine->second, p->second / engine->second);
      }
    }
    std::fflush(stdout);
  }

 private:
  using Key = std::pair<std::string, std::string>;
  std::string engine_;
  std::vector<std::string> peers_;
  std::string header_;
  std::string second_engine_;
  std::vector<Key> order_;
  std::map<Key, std::map<std::string, double>> times_;
};

}  // namespace bench
