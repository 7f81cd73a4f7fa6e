#include "invocation.hpp"

namespace lambda_emu::core {

const char* to_string(InvokeStatus status)
{
    switch (status) {
    case InvokeStatus::Success: return "success";
    case InvokeStatus::Error: return "error";
    case InvokeStatus::Timeout: return "timeout";
    case InvokeStatus::Failure: return "failure";
    }
    return "unknown";
}

const char* to_string(InitPhase phase)
{
    return phase == InitPhase::Init ? "init" : "invoke";
}

const char* to_string(InitStatus status)
{
    switch (status) {
    case InitStatus::Success: return "success";
    case InitStatus::Error: return "error";
    case InitStatus::Timeout: return "timeout";
    }
    return "unknown";
}

} // namespace lambda_emu::core
