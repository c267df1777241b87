#include "attn/io/csv.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>

#include "attn/base/errors.hpp"
#include "attn/io/atomic_file.hpp"
#include "io/file_reading.hpp"

namespace attn {
namespace {

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  const auto end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

std::string place(const std::string& path, long line, long column) {
  return path + ": line " + std::to_string(line) + ", column " + std::to_string(column);
}

double parse_field(const std::string& field, const std::string& path, long line, long column, NonFinite policy) {
  const std::string text = trim(field);
  if (text.empty()) throw InputError(place(path, line, column) + ": empty value");
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) {
    throw InputError(place(path, line, column) + ": '" + detail::printable(text) + "' is not a number");
  }
  if (std::isnan(value)) {
    if (policy == NonFinite::AllowNaN) return value;
    throw InputError(place(path, line, column) + ": NaN is not allowed");
  }
  if (std::isinf(value) || (errno == ERANGE && std::abs(value) > 1.0)) {
    throw InputError(place(path, line, column) + ": '" + detail::printable(text) + "' is infinite or out of range");
  }
  return value;
}

}  // namespace

NdArray read_csv(const std::string& path, NonFinite policy) {
  std::uintmax_t file_size = 0;
  std::ifstream in = detail::open_for_reading(path, file_size);
  NdArray arr;
  arr.dtype = DType::Float64;
  Index columns = -1;
  long first_data_line = 0;
  Index rows = 0;
  // Lines end with \n, \r\n or a lone \r (old Mac files): read the whole text, then split.
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path + ": read error");
  std::size_t cursor = 0;
  long line_number = 0;
  while (cursor < text.size()) {
    const std::size_t end = text.find_first_of("\r\n", cursor);
    std::string line = text.substr(cursor, end == std::string::npos ? std::string::npos : end - cursor);
    cursor = end == std::string::npos
                 ? text.size()
                 : end + ((text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ? 2 : 1);
    ++line_number;
    if (line_number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM
    const std::string content = trim(line);
    if (content.empty() || content[0] == '#') continue;
    Index count = 0;
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = content.find(',', start);
      const std::string field = content.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      ++count;
      if (columns >= 0 && count > columns) {
        throw InputError(path + ": line " + std::to_string(line_number) + " has more than " + std::to_string(columns) +
                         " values (line " + std::to_string(first_data_line) + " has " + std::to_string(columns) + ")");
      }
      arr.values.push_back(parse_field(field, path, line_number, static_cast<long>(count), policy));
      if (static_cast<Index>(arr.values.size()) > kMaxArrayElements) {
        throw InputError(path + ": too many values (limit: " + std::to_string(kMaxArrayElements) + ")");
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (columns < 0) {
      columns = count;
      first_data_line = line_number;
    } else if (count != columns) {
      throw InputError(path + ": line " + std::to_string(line_number) + " has " + std::to_string(count) +
                       " values but line " + std::to_string(first_data_line) + " has " + std::to_string(columns));
    }
    ++rows;
  }
  if (rows == 0) throw InputError(path + ": no data (the file has no lines of numbers)");
  arr.shape = {rows, columns};
  return arr;
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
