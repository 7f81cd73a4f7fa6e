#pragma once
// Who the function is inside its sandbox: Lambda runs the runtime and every extension as
// sbx_user1051 (uid 993, gid 990), never as root, with no capabilities, and with its limits of
// 1,024 processes and threads and 1,024 open files. The emulator's children become that user
// between fork and exec, after entering the environment's namespaces.
#include <string>
#include <sys/types.h>

namespace lambda_emu::process {

inline constexpr uid_t kFunctionUid = 993;
inline constexpr gid_t kFunctionGid = 990;
inline constexpr const char* kFunctionUserName = "sbx_user1051";
// Lambda's quotas inside an execution environment: processes and threads, open file descriptors.
inline constexpr unsigned long kProcessLimit = 1024;
inline constexpr unsigned long kOpenFileLimit = 1024;

// Outside the sandbox, when the emulator runs as root: "nobody", so the function is not root on
// the host either. An unprivileged emulator can map only its own ids, which the function then has
// outside (it still has no capabilities, and its PID namespace hides every other process).
inline constexpr uid_t kOutsideUidWhenRoot = 65534;
inline constexpr gid_t kOutsideGidWhenRoot = 65534;

// The namespace's id maps for an emulator running with `uid`/`gid`: the function's ids map to the
// outside ids above; root (when the emulator is root) maps to itself, so that the sandbox's own
// setup may create its files; nothing else is mapped.
std::string function_uid_map(uid_t emulator_uid);
std::string function_gid_map(uid_t emulator_uid, gid_t emulator_gid);

// Between fork and exec, in the sandbox's user namespace: drops every capability (bounding,
// effective, permitted, inheritable, ambient), becomes sbx_user1051, sets no_new_privs and
// Lambda's limits. Returns 0 or the errno of the step that failed. Async-signal-safe.
int become_function_user() noexcept;

// The sandbox's /etc/passwd and /etc/group: root, sbx_user1051 and nobody.
std::string sandbox_passwd_file();
std::string sandbox_group_file();

} // namespace lambda_emu::process
