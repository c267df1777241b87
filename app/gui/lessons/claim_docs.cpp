#include "lessons/claim_docs.hpp"

#include <cctype>
#include <sstream>
#include <string>

namespace ax {
namespace {

// A table cell: '|' would end it.
std::string cell(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|') out += '\\';
    out += ch;
  }
  return out;
}

bool matches(std::string_view pattern, std::string_view key) {
  if (pattern.empty()) return key.empty();
  if (pattern.front() == '<') {
    const std::string_view rest = pattern.substr(pattern.find('>') + 1);
    for (std::size_t n = 1; n <= key.size(); ++n) {
      if (matches(rest, key.substr(n))) return true;
    }
    return false;
  }
  return !key.empty() && key.front() == pattern.front() && matches(pattern.substr(1), key.substr(1));
}

constexpr std::string_view kPreamble = R"(# Claim kinds

<!-- Generated from the claim registry (app/gui/lessons/claims_*.cpp) by
     `build/bin/attention-explorer --list-claims > docs/claim_kinds.md`. Do not edit by hand: the
     test ClaimDocs.FileMatchesTheRegistry fails when this file differs from the registry. -->

A claim of a lesson step is `{"kind": KIND, "params": {...}, "statement": "..."}`, with an optional
`"id"` and `"check"` (README, "Lessons"). A lesson whose claim has a parameter that its kind does not
list does not load; a claim without a required parameter does not hold and says what it needs.

`method`, where a kind takes it: without it, the claim measures the step's first method. There is no
other default: a step with no method, and a claim that names none, is an error that names the step
and the claim.

Values are what the statement quotes as `{name}`; in a name, `<x>` stands for any text (a method, a
sentence, a level). An *identity* is algebra checked numerically: it is shown as an identity check,
never as evidence. The other kinds are empirical: each can fail for some settings.
)";

void write_kind(std::ostringstream& out, const ClaimKind& kind) {
  out << "\n### `" << kind.name << "`" << (kind.identity ? " (identity)" : "") << "\n\n";
  // `measures` is written in lower case, as a clause; the list prints it as a sentence.
  std::string sentence(kind.measures);
  if (!sentence.empty())
    sentence.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(sentence.front())));
  out << sentence << ".\n";
  if (!kind.params.empty()) {
    out << "\n| param | meaning | if absent |\n|---|---|---|\n";
    for (const ClaimParam& param : kind.params) {
      out << "| `" << param.name << "` | " << cell(param.meaning) << " | "
          << (param.if_absent.empty() ? std::string("required") : cell(param.if_absent)) << " |\n";
    }
  }
  out << "\nValues:";
  for (std::size_t k = 0; k < kind.values.size(); ++k) out << (k == 0 ? " `" : ", `") << kind.values[k] << "`";
  out << ".\n";
}

}  // namespace

std::string claim_kinds_markdown() {
  std::ostringstream out;
  out << kPreamble;
  for (const ClaimTopic& topic : claim_topics()) {
    out << "\n## " << topic.title << " (`" << topic.file << "`)\n";
    for (const ClaimKind& kind : topic.kinds) write_kind(out, kind);
  }
  return out.str();
}

bool documents_value(const ClaimKind& kind, std::string_view key) {
  for (std::string_view value : kind.values) {
    if (matches(value, key)) return true;
  }
  return false;
}

}  // namespace ax
