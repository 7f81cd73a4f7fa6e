// Must not compile: a target that links only cli does not see the parts cli uses (cli links them
// PRIVATE), so "process/..." is not on its include path.
#include "process/sandbox.hpp"
