#include "attn/io/csv.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/base/safe_text.hpp"
#include "attn/io/atomic_file.hpp"
#include "attn/io/text_file.hpp"

namespace attn {
namespace {

std::string_view trim(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const auto end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

std::string place(const std::string& path, long line, long column) {
  return path + ": line " + std::to_string(line) + ", column " + std::to_string(column);
}

// strtod needs a terminated string: a short field is copied to the stack, a long one (rare, and
// never a valid number of a sane file) to the heap.
double parse_field(std::string_view field, const std::string& path, long line, long column, NonFinite policy) {
  const std::string_view text = trim(field);
  if (text.empty()) throw InputError(place(path, line, column) + ": empty value");
  char small[64];
  std::string large;
  const char* start = small;
  if (text.size() < sizeof small) {
    std::memcpy(small, text.data(), text.size());
    small[text.size()] = '\0';
  } else {
    large.assign(text);
    start = large.c_str();
  }
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(start, &end);
  if (end != start + text.size()) {
    throw InputError(place(path, line, column) + ": '" + printable(text) + "' is not a number");
  }
  if (std::isnan(value)) {
    if (policy == NonFinite::AllowNaN) return value;
    throw InputError(place(path, line, column) + ": NaN is not allowed");
  }
  if (std::isinf(value) || (errno == ERANGE && std::abs(value) > 1.0)) {
    throw InputError(place(path, line, column) + ": '" + printable(text) + "' is infinite or out of range");
  }
  return value;
}

// Reads the rows of `text` in place (views into it, no copy of a line or a field).
class CsvParser {
 public:
  CsvParser(const std::string& path, NonFinite policy) : path_(path), policy_(policy) {}

  NdArray parse(std::string_view text) {
    // Lines end with \n, \r\n or a lone \r (old Mac files).
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM
    std::size_t cursor = 0;
    while (cursor < text.size()) {
      const std::size_t end = std::min(text.find_first_of("\r\n", cursor), text.size());
      const std::string_view line = text.substr(cursor, end - cursor);
      cursor = end + ((end + 1 < text.size() && text[end] == '\r' && text[end + 1] == '\n') ? 2 : 1);
      ++line_number_;
      const std::string_view content = trim(line);
      if (content.empty() || content[0] == '#') continue;
      parse_row(content);
    }
    if (rows_ == 0) throw InputError(path_ + ": no data (the file has no lines of numbers)");
    arr_.shape = {rows_, columns_};
    return std::move(arr_);
  }

 private:
  void parse_row(std::string_view content) {
    Index count = 0;
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = content.find(',', start);
      const std::string_view field =
          content.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
      ++count;
      if (columns_ >= 0 && count > columns_) {
        throw InputError(path_ + ": line " + std::to_string(line_number_) + " has more than " +
                         std::to_string(columns_) + " values (line " + std::to_string(first_data_line_) + " has " +
                         std::to_string(columns_) + ")");
      }
      arr_.values.push_back(parse_field(field, path_, line_number_, static_cast<long>(count), policy_));
      if (static_cast<Index>(arr_.values.size()) > kMaxArrayElements) {
        throw InputError(path_ + ": too many values (limit: " + std::to_string(kMaxArrayElements) + ")");
      }
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (columns_ < 0) {
      columns_ = count;
      first_data_line_ = line_number_;
    } else if (count != columns_) {
      throw InputError(path_ + ": line " + std::to_string(line_number_) + " has " + std::to_string(count) +
                       " values but line " + std::to_string(first_data_line_) + " has " + std::to_string(columns_));
    }
    ++rows_;
  }

  const std::string& path_;
  NonFinite policy_;
  NdArray arr_;
  Index columns_ = -1;
  Index rows_ = 0;
  long line_number_ = 0;
  long first_data_line_ = 0;
};

}  // namespace

NdArray read_csv(const std::string& path, NonFinite policy) {
  return naming_out_of_memory(path, [&] {
    // Regular files only, and at most kMaxCsvBytes, checked before a byte is read.
    const std::string text = read_text_file(path, "CSV file", kMaxCsvBytes);
    NdArray arr = CsvParser(path, policy).parse(text);
    arr.dtype = DType::Float64;
    return arr;
  });
}

template <class T>
void write_csv(const std::string& path, const T* values, Index rows, Index cols) {
  write_file_atomically(path, [&](std::ostream& out) {
    char buffer[64];
    const int digits = std::is_same_v<T, float> ? 9 : 17;
    for (Index i = 0; i < rows; ++i) {
      for (Index j = 0; j < cols; ++j) {
        const double v = static_cast<double>(values[i * cols + j]);
        if (j > 0) out.put(',');
        if (std::isnan(v)) {
          out << "nan";
        } else {
          const int len = std::snprintf(buffer, sizeof buffer, "%.*g", digits, v);
          out.write(buffer, len);
        }
      }
      out.put('\n');
    }
  });
}

template void write_csv<float>(const std::string&, const float*, Index, Index);
template void write_csv<double>(const std::string&, const double*, Index, Index);

}  // namespace attn
