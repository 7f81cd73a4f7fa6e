#pragma once
// Random identifiers Lambda hands out: request ids (UUIDs), log stream suffixes, X-Ray trace ids.
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

private:
    boost::uuids::random_generator random_;
};

} // namespace lambda_emu
