// The tiny language models of assets/models/ as the app uses them: found by name, read once and
// shared, immutable, by the sentence source, the prediction and robustness services and the lessons.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "attn/lm/heldout.hpp"
#include "attn/lm/language_model.hpp"

namespace ax {

// <assets>/models.
std::string language_models_directory();
// "exp" is <assets>/models/exp.npz; anything with a '/' or ending in .npz is a path as given.
std::string language_model_path(const std::string& name_or_path);
// <assets>/models/heldout.npz: the held-out text the robustness chart scores.
std::string heldout_text_path();
// The models of the directory by name (every .npz but heldout.npz), sorted; empty when none.
std::vector<std::string> shipped_language_models();

// A model of the directory for a picker: its name and what it was trained with.
struct LanguageModelChoice {
  std::string name;   // "relu_noise"
  std::string label;  // "trained with relu and shared noise s_g = 0.1" (or why it cannot be read)
};
// Reads only each model's config (not its weights).
std::vector<LanguageModelChoice> language_model_choices();

// Files read once per process and kept (a model is about 4 MB in memory). Thread-safe.
class LanguageModelCache {
 public:
  // Throws attn::InputError naming the file when it cannot be read as a model.
  std::shared_ptr<const attn::LanguageModel> model(const std::string& path);
  std::shared_ptr<const attn::HeldoutText> heldout(const std::string& path);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const attn::LanguageModel>> models_;
  std::map<std::string, std::shared_ptr<const attn::HeldoutText>> texts_;
};

// The process's cache: the data loader, the services and the lessons share one copy of each file.
LanguageModelCache& language_model_cache();

}  // namespace ax
