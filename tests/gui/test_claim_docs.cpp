// The lesson authors' list of claim kinds is generated from the registry: docs/claim_kinds.md must
// be exactly what `attention-explorer --list-claims` prints, so a kind (or a parameter) added to the
// registry and not to the docs fails here. The registry's entries are complete and unique.
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "lessons/claim_docs.hpp"
#include "lessons/claims.hpp"

namespace ax {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

const std::string kDocs = std::string(AX_SOURCE_DIR) + "/docs/claim_kinds.md";

TEST(ClaimDocs, FileMatchesTheRegistry) {
  const std::string expected = claim_kinds_markdown();
  const std::string actual = read_text(kDocs);
  if (actual == expected) return;
  const auto want = lines_of(expected), have = lines_of(actual);
  std::size_t line = 0;
  while (line < want.size() && line < have.size() && want[line] == have[line]) ++line;
  ADD_FAILURE() << kDocs << " differs from the claim registry at line " << line + 1
                << ":\n  file:     " << (line < have.size() ? have[line] : "(end of file)")
                << "\n  registry: " << (line < want.size() ? want[line] : "(end)")
                << "\nRegenerate it: build/bin/attention-explorer --list-claims > docs/claim_kinds.md";
}

TEST(ClaimDocs, EveryKindHasItsSection) {
  const std::string docs = read_text(kDocs);
  for (const std::string& kind : known_claim_kinds()) {
    EXPECT_NE(docs.find("\n### `" + kind + "`"), std::string::npos) << kind << " is missing from " << kDocs;
  }
}

TEST(ClaimDocs, TheReadmeSendsAuthorsToTheGeneratedList) {
  const std::string readme = read_text(std::string(AX_SOURCE_DIR) + "/README.md");
  EXPECT_NE(readme.find("docs/claim_kinds.md"), std::string::npos);
  EXPECT_NE(readme.find("--list-claims"), std::string::npos);
  EXPECT_EQ(readme.find("listed in `app/gui/lessons/claims.hpp`"), std::string::npos);
}

TEST(ClaimRegistry, EveryKindIsCompleteAndNamedOnce) {
  std::set<std::string_view> names;
  std::size_t kinds = 0;
  for (const ClaimTopic& topic : claim_topics()) {
    EXPECT_FALSE(topic.title.empty());
    EXPECT_FALSE(topic.kinds.empty()) << topic.title;
    for (const ClaimKind& kind : topic.kinds) {
      ++kinds;
      EXPECT_TRUE(names.insert(kind.name).second) << kind.name << " is registered twice";
      EXPECT_NE(kind.evaluate, nullptr) << kind.name;
      EXPECT_FALSE(kind.measures.empty()) << kind.name;
      EXPECT_FALSE(kind.values.empty()) << kind.name;
      EXPECT_EQ(find_claim_kind(kind.name), &kind);
      std::set<std::string_view> params;
      for (const ClaimParam& param : kind.params) {
        EXPECT_TRUE(params.insert(param.name).second) << kind.name << ": '" << param.name << "' twice";
        EXPECT_FALSE(param.meaning.empty()) << kind.name << ": " << param.name;
      }
    }
  }
  EXPECT_EQ(known_claim_kinds().size(), kinds);
  EXPECT_EQ(find_claim_kind("no_such_kind"), nullptr);
}

TEST(ClaimRegistry, DocumentedValuesMatchWithPlaceholders) {
  const ClaimKind& deviation = *find_claim_kind("deviation");
  EXPECT_TRUE(documents_value(deviation, "max_dw"));
  EXPECT_TRUE(documents_value(deviation, "max_dw.exp-plus:1"));
  EXPECT_FALSE(documents_value(deviation, "max_dw."));
  EXPECT_FALSE(documents_value(deviation, "max_dwx"));
  const ClaimKind& noise_bias = *find_claim_kind("noise_bias");
  EXPECT_TRUE(documents_value(noise_bias, "bias.0.3.relu"));
  EXPECT_FALSE(documents_value(noise_bias, "bias.0"));
  EXPECT_FALSE(documents_value(noise_bias, "best"));
}

}  // namespace
}  // namespace ax
