#pragma once
// What /proc says about another process (the emulator): its CPU time, its resident memory and its
// children.
#include <sys/types.h>

namespace bench {

// User + system CPU time, in ms (in the kernel's ticks, 10 ms each: measure many operations).
double cpu_ms(pid_t pid);
// Resident set size, in bytes.
double resident_bytes(pid_t pid);
// Direct children (for serve: one runtime per environment, plus the extensions).
int child_count(pid_t pid);

} // namespace bench
