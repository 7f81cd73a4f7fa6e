#pragma once
// A function that serve could find by name, for the tests of addressing (the fuzz targets' and
// the unit tests'): nothing is ever invoked on it.
#include "invoke/invocation_target.hpp"

#include <string>

namespace lambda_emu::testing {

class NamedFunction final : public invoke::InvocationTarget {
public:
    explicit NamedFunction(std::string name) { function_.name = std::move(name); }
    invoke::Admission submit(invoke::Order) override { return invoke::Admission::Unavailable; }
    const core::FunctionConfig& function() const override { return function_; }

private:
    core::FunctionConfig function_;
};

} // namespace lambda_emu::testing
