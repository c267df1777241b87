// Text that came from files or users (member names, JSON keys, formulas, paths), made safe to
// print: one error is always one line of readable length, and no byte of a file reaches a
// terminal as an escape code or a screen as a vertex the GUI cannot draw.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace attn {

// Longest message shown or printed (characters); the rest is cut with "... (N more)".
constexpr std::size_t kMaxMessageChars = 300;

// `text` for quoting inside a message: printable ASCII kept, every other byte a \xNN escape
// (newline \n, tab \t, CR \r), cut after `max_chars` characters with "..." (names and values
// quoted from files).
std::string printable(std::string_view text, std::size_t max_chars = 40);

// A whole message made one line: control characters (C0, DEL, C1) and bytes that are not UTF-8
// escaped as above, valid UTF-8 kept (tokens and paths in other scripts stay readable), and text
// beyond `max_chars` characters replaced by "... (N more)" where N counts the characters cut.
std::string one_line(std::string_view message, std::size_t max_chars = kMaxMessageChars);

}  // namespace attn
