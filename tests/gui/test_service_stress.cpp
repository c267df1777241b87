// The background services under stress, for ThreadSanitizer (scripts/test.sh --tsan) as much as
// for their results: rapid submits while the UI thread polls, destruction in the middle of a job,
// and studies restarted before they finish. Each test also checks what the UI would show.
#include <memory>

#include <gtest/gtest.h>

#include "compute/compute_service.hpp"
#include "compute/study_service.hpp"

namespace ax {
namespace {

ComputeRequest request_with_shift(const std::shared_ptr<const LoadedData>& data, double shift, int draws = 0) {
  AppState state;
  state.attention.methods = {"exp", "relu"};
  state.noise.shift = shift;
  state.noise.global_rms = draws > 0 ? 0.3 : 0.0;
  state.noise.study_draws = draws > 0 ? draws : state.noise.study_draws;
  return make_compute_request(state, data);
}

std::shared_ptr<const LoadedData> small_data() {
  DataSettings settings;
  settings.n = 32;
  settings.d = 8;
  return load_data(settings);
}

TEST(ServiceStress, RapidSubmitsWhilePollingEndWithTheNewestResult) {
  const auto data = small_data();
  ComputeService service;
  for (int k = 1; k <= 200; ++k) {
    service.submit(request_with_shift(data, 0.01 * k));
    // The UI thread polls every frame.
    (void)service.result();
    (void)service.chart();
    (void)service.progress();
    (void)service.busy();
    (void)service.error();
  }
  service.wait_until_idle();
  const auto result = service.result();
  ASSERT_NE(result, nullptr);
  EXPECT_EQ(result->generation, service.submitted_generation());  // the last submit wins
  EXPECT_EQ(result->methods.size(), 2u);
  EXPECT_TRUE(service.error().empty());
}

TEST(ServiceStress, DestroyedInTheMiddleOfAJob) {
  const auto data = small_data();
  for (int k = 0; k < 20; ++k) {
    auto service = std::make_unique<ComputeService>();
    service->submit(request_with_shift(data, 1.0 + k));
    service->submit(request_with_shift(data, 2.0 + k));
    (void)service->result();
    service.reset();  // joins its worker; must not touch freed members
  }
  SUCCEED();
}

TEST(ServiceStress, StudiesRestartedBeforeTheyFinish) {
  const auto data = small_data();
  StudyService study;
  for (int k = 0; k < 15; ++k) {
    study.start(request_with_shift(data, 0.0, 400));
    (void)study.progress();
    (void)study.status();
    (void)study.result();
  }
  study.start(request_with_shift(data, 0.0, 20));
  study.wait();
  const auto result = study.result();
  ASSERT_NE(result, nullptr);
  EXPECT_EQ(study.progress().second, 20);
  EXPECT_EQ(study.progress().first, 20);
  // And destroyed while running.
  auto running = std::make_unique<StudyService>();
  running->start(request_with_shift(data, 0.0, 400));
  running.reset();
}

}  // namespace
}  // namespace ax
