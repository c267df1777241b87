// The pictures of the results that the heatmaps show: their images (matrices with the statistics
// their colour ranges need, cached per result), the pooled overviews of matrices larger than
// their pixels (computed off the UI thread). Owned by the controller (the model view's cells are
// ModelGridService's); the panels read them and say which view they draw.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compute/heatmap_overviews.hpp"
#include "compute/loaded_data.hpp"
#include "figures/exports.hpp"
#include "figures/heatmap_images.hpp"

namespace ax {

class HeatmapPictures {
 public:
  HeatmapImages& images() { return images_; }
  const OverviewService& overviews() const { return overviews_; }

  // The pooled pictures the heatmap grid draws: `items` of a result on `grid`, a view of `whole`.
  struct OverviewAsk {
    std::vector<OverviewService::Item> items;
    ViewGrid grid, whole;
  };
  // Asks for `ask` of `result` (none when nothing is pooled). After settle_next_request() the ask
  // waits for its pictures (automation) and returns true: the caller then reads their final
  // statistics.
  bool request_overviews(const std::shared_ptr<const ComputeResult>& result, const std::optional<OverviewAsk>& ask);
  void settle_next_request() { settle_ = true; }

  // Heatmap `method` of `result` as shown (its mode under `view` and `hide_answers`, its colour
  // range): the matrix to .npy or .csv, or the picture to PNG. Throw attn::InputError.
  void export_matrix(const std::string& path, const std::shared_ptr<const ComputeResult>& result,
                     const ViewSettings& view, bool hide_answers, std::size_t method);
  void export_png(const std::string& path, const std::shared_ptr<const ComputeResult>& result, const ViewSettings& view,
                  bool hide_answers, std::size_t method, const PngExtras& extras);

 private:
  HeatmapImages images_;
  OverviewService overviews_;
  bool settle_ = false;
};

}  // namespace ax
