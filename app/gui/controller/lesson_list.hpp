// The lessons the Lessons menu offers: every lesson file of a directory with its title, read once
// (the menu is drawn every frame it is open; the files do not change while the app runs).
#pragma once

#include <string>
#include <vector>

namespace ax {

class LessonList {
 public:
  struct Entry {
    std::string path;
    std::string title;  // the file's title, or its name and "(cannot be read)"
  };

  // `directory` is read at the first call of entries(), not before.
  explicit LessonList(std::string directory) : directory_(std::move(directory)) {}
  const std::string& directory() const { return directory_; }
  const std::vector<Entry>& entries();
  // How many times the directory was read (tests: once).
  int reads() const { return reads_; }

 private:
  std::string directory_;
  std::vector<Entry> entries_;
  bool listed_ = false;
  int reads_ = 0;
};

}  // namespace ax
