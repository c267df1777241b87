// Word-set JSON files (lesson 2's word vectors).
#include "fuzz_input_file.hpp"
#include "lessons/word_set.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ax_fuzz::InputFile file(".json");
  const std::string& path = file.write(data, size);
  ax_fuzz::expect_only_documented_errors([&] {
    const ax::WordSet words = ax::load_word_set(path);
    for (const auto& sentence : words.sentences) {
      (void)words.sentence_vectors(sentence);
      (void)words.sentence_tokens(sentence);
    }
  });
  return 0;
}
