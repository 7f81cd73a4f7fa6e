#pragma once
// Service errors in the shape of AWS's REST-JSON APIs: the code in `x-amzn-ErrorType` (which the
// SDKs and the AWS CLI read) and `{"Type": ..., "message": ...}` in the body.
#include "http/message.hpp"

#include <string>

namespace lambda_emu::invoke {

http::Response aws_error(http::Status status, const std::string& code, const std::string& message);

} // namespace lambda_emu::invoke
