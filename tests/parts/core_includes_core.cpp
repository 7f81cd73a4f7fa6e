// The positive control of parts_core_includes_http: compiled as core's own files are, core's
// header compiles, so the other probe fails for its include alone.
#include "core/environment.hpp"
