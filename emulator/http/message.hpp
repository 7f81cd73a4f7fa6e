#pragma once
// The request and response types every API folder works with.
#include "bodies.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>

#include <memory>
#include <string>

namespace lambda_emu::http {

using Request = boost::beast::http::request<CappedStringBody>;
using Response = boost::beast::http::response<SharedStringBody>;
using Status = boost::beast::http::status;
using Verb = boost::beast::http::verb;

Response make_response(Status status, std::string body, const char* content_type);
Response make_response(Status status, std::shared_ptr<const std::string> body, std::string_view content_type);
// JSON bodies end with a newline, as Go's encoder (and so RAPID) writes them.
Response json_response(Status status, const std::string& json);

} // namespace lambda_emu::http
