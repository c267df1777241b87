// A user-typed function F(z), parsed and evaluated with muParser.
//
// The public header hides muParser: core's users see only this class. Evaluation is thread-safe;
// each thread borrows its own parser instance from a small pool.
#pragma once

#include <memory>
#include <string>

namespace attn {

class Formula {
 public:
  // Parses `expression` (variable: z; muParser's functions: exp, log, sqrt, abs, min, max, sin,
  // ... and constants _pi, _e). Throws UsageError with the parser's message and the 1-based
  // character position of the problem.
  static std::shared_ptr<const Formula> compile(const std::string& expression);

  ~Formula();
  Formula(const Formula&) = delete;
  Formula& operator=(const Formula&) = delete;

  const std::string& expression() const { return expression_; }

  // out[k] = F(z[k]) for k in [0, count). Results may be NaN or infinite; callers decide.
  void evaluate(const double* z, double* out, long count) const;
  double operator()(double z) const;

 private:
  struct ParserPool;
  explicit Formula(std::string expression);

  std::string expression_;
  std::unique_ptr<ParserPool> pool_;
};

}  // namespace attn
