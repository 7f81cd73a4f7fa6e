#pragma once
// Random identifiers Lambda hands out: request ids (UUIDs), log stream suffixes, X-Ray trace ids.
#include "core/clock.hpp"

#include <boost/uuid/random_generator.hpp>

#include <cstdint>
#include <string>

namespace lambda_emu {

class IdGenerator {
public:
    std::string uuid();
    std::string hex(std::size_t digits);
    // `Root=1-<epoch seconds, 8 hex>-<24 hex>;Parent=<16 hex>;Sampled=0`, as X-Ray formats it.
    std::string trace_id(std::int64_t epoch_seconds);
    // A trace id for an invocation that starts now.
    std::string trace_id(const core::Clock& clock) { return trace_id(clock.epoch_ms(clock.now()) / 1000); }

private:
    boost::uuids::random_generator random_;
};

} // namespace lambda_emu
