#include "compute/language_models.hpp"

#include <algorithm>
#include <filesystem>

#include "state/assets.hpp"

namespace ax {

namespace fs = std::filesystem;

std::string language_models_directory() { return (fs::path(assets_directory()) / "models").string(); }

std::string language_model_path(const std::string& name) {
  if (name.find('/') != std::string::npos || fs::path(name).extension() == ".npz") return name;
  return (fs::path(language_models_directory()) / (name + ".npz")).string();
}

std::string heldout_text_path() { return (fs::path(language_models_directory()) / "heldout.npz").string(); }

std::vector<std::string> shipped_language_models() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(language_models_directory(), ec)) {
    const fs::path& p = entry.path();
    if (p.extension() == ".npz" && p.stem() != "heldout") names.push_back(p.stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<LanguageModelChoice> language_model_choices() {
  std::vector<LanguageModelChoice> out;
  for (const std::string& name : shipped_language_models()) {
    try {
      out.push_back({name, attn::read_language_model_config(language_model_path(name)).description()});
    } catch (const std::exception& e) {
      out.push_back({name, std::string("cannot be read: ") + e.what()});
    }
  }
  return out;
}

std::shared_ptr<const attn::LanguageModel> LanguageModelCache::model(const std::string& path) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = models_.find(path); it != models_.end()) return it->second;
  }
  // Read outside the lock: another thread may ask for another model meanwhile.
  auto model = std::make_shared<const attn::LanguageModel>(attn::read_language_model(path));
  std::lock_guard<std::mutex> lock(mutex_);
  return models_.emplace(path, std::move(model)).first->second;
}

std::shared_ptr<const attn::HeldoutText> LanguageModelCache::heldout(const std::string& path) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = texts_.find(path); it != texts_.end()) return it->second;
  }
  auto text = std::make_shared<const attn::HeldoutText>(attn::read_heldout_text(path));
  std::lock_guard<std::mutex> lock(mutex_);
  return texts_.emplace(path, std::move(text)).first->second;
}

LanguageModelCache& language_model_cache() {
  static LanguageModelCache cache;
  return cache;
}

}  // namespace ax
