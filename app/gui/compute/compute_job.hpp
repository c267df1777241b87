// The engine work behind the heatmaps and charts, in stages keyed by what they depend on (runs on
// the background workers):
//   clean stage      data and attention settings -> scores, clean weights and their statistics
//   perturbed stage  + the noise settings -> perturbed weights, deviations, statistics, badges
//   chart            data, attention settings and the chart's range of M (not the noise)
// A new M therefore recomputes only the perturbed stage, and the chart stays as it is.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "compute/compute_request.hpp"
#include "compute/compute_result.hpp"

namespace ax {

// How often each stage actually ran (tests observe that an edit of M leaves the clean stage alone).
struct StageCounts {
  std::atomic<int> clean{0}, perturbed{0}, chart{0};
};

struct CleanStage;  // compute_job.cpp

// What the compute worker keeps between requests: the clean stage of the newest clean inputs,
// and the result buffers it hands out, reused once nobody holds them any more.
class ComputeStages {
 public:
  ComputeStages();
  ~ComputeStages();
  ComputeStages(const ComputeStages&) = delete;
  ComputeStages& operator=(const ComputeStages&) = delete;

  // How far a run is, in [0, 1], with what is being done.
  using Progress = std::function<void(double fraction, const char* stage)>;
  // Computes the results of `request` (the clean stage only when its inputs changed) and
  // returns them. Throws attn::Cancelled when `cancel` is raised (may be null).
  std::shared_ptr<const ComputeResult> run(const ComputeRequest& request, std::uint64_t generation,
                                           const std::atomic<bool>* cancel, const Progress& progress);
  const StageCounts& counts() const { return counts_; }
  void count_chart() { ++counts_.chart; }

 private:
  struct Buffer {
    std::shared_ptr<ComputeResult> result;
    std::uint64_t clean_version = 0;  // the clean stage its clean parts were copied from
  };
  Buffer& free_buffer();
  void run_stages(const ComputeRequest& request, ComputeResult& r, Buffer& buffer, const std::atomic<bool>* cancel,
                  const Progress& progress);
  void release_clean_stage();

  std::unique_ptr<CleanStage> clean_;
  std::vector<Buffer> buffers_;
  std::size_t next_replaced_ = 0;
  StageCounts counts_;
};

// The invariance chart of `request` (first kChartMaxQueries queries). Throws attn::Cancelled.
std::shared_ptr<const InvarianceChart> compute_invariance_chart(const ComputeRequest& request,
                                                                const std::atomic<bool>* cancel);

// Largest number of queries used for the invariance chart (it recomputes every method at every
// shift); larger inputs use their first queries and the chart says so.
constexpr attn::Index kChartMaxQueries = 256;
constexpr int kChartShifts = 13;

}  // namespace ax
