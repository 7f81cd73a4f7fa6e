// Must not compile: core knows no HTTP (CMakeLists.txt's parts map), so "http/..." is not on its
// include path.
#include "http/server.hpp"
