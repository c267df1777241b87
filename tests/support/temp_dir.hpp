// A directory of its own for one test: made with a unique name (mkdtemp), so two runs of a test
// at once, or a run after a crashed one, never share files; removed with what it holds at the end.
#pragma once

#include <filesystem>
#include <string>

namespace ax::test {

class TempDir {
 public:
  // A new directory in the system's temporary directory whose name starts with `prefix`.
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The path of `name` inside it (not created).
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace ax::test
