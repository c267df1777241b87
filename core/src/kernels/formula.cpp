#include "attn/kernels/formula.hpp"

#include <mutex>
#include <vector>

#include <muParser.h>

#include "attn/base/errors.hpp"

namespace attn {
namespace {

// muParser 2.3 builds shared state (its error-message table) when a parser is constructed or
// reports an error: two threads making parsers at once race on it (ThreadSanitizer, the compute
// and the chart workers parsing a custom formula together). Parsers are therefore made and
// compiled one at a time; evaluating a compiled parser needs no lock.
std::mutex& construction_mutex() {
  static std::mutex mutex;
  return mutex;
}

}  // namespace

// One muParser instance per concurrent caller: mu::Parser is not thread-safe, and each instance
// binds the variable z to its own storage.
struct Formula::ParserPool {
  struct Slot {
    mu::Parser parser;
    double z = 0.0;
  };

  std::mutex mutex;
  std::vector<std::unique_ptr<Slot>> idle;
  std::string expression;

  std::unique_ptr<Slot> make_slot() const {
    std::lock_guard<std::mutex> lock(construction_mutex());
    auto slot = std::make_unique<Slot>();
    slot->parser.DefineVar("z", &slot->z);
    // muParser 2.3's constant folding evaluates a constant `a && b` or `a || b` as (int)a && (int)b,
    // undefined behaviour for a constant beyond int's range (1e10 && 1). Without folding, the
    // evaluator applies && and || to the doubles themselves; other formulas keep the optimiser.
    if (expression.find("&&") != std::string::npos || expression.find("||") != std::string::npos) {
      slot->parser.EnableOptimizer(false);
    }
    slot->parser.SetExpr(expression);
    (void)slot->parser.Eval();  // muParser parses lazily: parse here, under the lock
    return slot;
  }

  std::unique_ptr<Slot> borrow() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!idle.empty()) {
        auto slot = std::move(idle.back());
        idle.pop_back();
        return slot;
      }
    }
    return make_slot();
  }

  void give_back(std::unique_ptr<Slot> slot) {
    std::lock_guard<std::mutex> lock(mutex);
    idle.push_back(std::move(slot));
  }
};

Formula::Formula(std::string expression) : expression_(std::move(expression)), pool_(std::make_unique<ParserPool>()) {
  pool_->expression = expression_;
}

Formula::~Formula() = default;

std::shared_ptr<const Formula> Formula::compile(const std::string& expression) {
  if (expression.find_first_not_of(" \t") == std::string::npos) {
    throw UsageError("custom formula is empty: write F as a function of z, e.g. custom:exp(z)");
  }
  std::shared_ptr<Formula> formula(new Formula(expression));
  try {
    // muParser parses lazily: evaluating once surfaces syntax errors and unknown names.
    auto slot = formula->pool_->make_slot();
    slot->z = 0.5;
    (void)slot->parser.Eval();
    formula->pool_->give_back(std::move(slot));
  } catch (const mu::Parser::exception_type& e) {
    std::string message = "custom formula '" + expression + "': " + e.GetMsg();
    // muParser counts positions from 0; people count characters from 1.
    if (e.GetPos() >= 0) {
      const std::string zero_based = "position " + std::to_string(e.GetPos());
      const std::string one_based = "character " + std::to_string(e.GetPos() + 1);
      if (const auto at = message.find(zero_based); at != std::string::npos) {
        message.replace(at, zero_based.size(), one_based);
      } else {
        message += " (at " + one_based + ")";
      }
    }
    throw UsageError(message);
  }
  return formula;
}

void Formula::evaluate(const double* z, double* out, long count) const {
  auto slot = pool_->borrow();
  try {
    for (long k = 0; k < count; ++k) {
      slot->z = z[k];
      out[k] = slot->parser.Eval();
    }
  } catch (const mu::Parser::exception_type& e) {
    pool_->give_back(std::move(slot));
    throw UsageError("custom formula '" + expression_ + "': " + e.GetMsg());
  }
  pool_->give_back(std::move(slot));
}

double Formula::operator()(double z) const {
  double out = 0.0;
  evaluate(&z, &out, 1);
  return out;
}

}  // namespace attn
