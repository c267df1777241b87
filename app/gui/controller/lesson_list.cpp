#include "controller/lesson_list.hpp"

#include <filesystem>

#include "lessons/lesson_file.hpp"

namespace ax {

const std::vector<LessonList::Entry>& LessonList::entries() {
  if (listed_) return entries_;
  listed_ = true;
  ++reads_;
  for (const std::string& file : list_lessons(directory_)) {
    Entry entry{file, std::filesystem::path(file).stem().string()};
    try {
      entry.title = load_lesson(file).title;
    } catch (const std::exception&) {
      entry.title += " (cannot be read)";
    }
    entries_.push_back(std::move(entry));
  }
  return entries_;
}

}  // namespace ax
