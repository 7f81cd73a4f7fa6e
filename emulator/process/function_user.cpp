#include "function_user.hpp"

#include <cerrno>
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace lambda_emu::process {

namespace {

// The highest capability this kernel knows (CAP_LAST_CAP of newer headers may be larger than
// the kernel's, or smaller): PR_CAPBSET_READ answers EINVAL past it.
int last_capability() noexcept
{
    int last = 0;
    while (last < 64 && ::prctl(PR_CAPBSET_READ, last + 1, 0, 0, 0) >= 0) ++last;
    return last;
}

int lower_limit(int resource, rlim_t value) noexcept
{
    rlimit limit{};
    if (::getrlimit(resource, &limit) != 0) return errno;
    // Only ever lowered: a machine with a lower hard limit keeps it.
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < value) value = limit.rlim_max;
    limit.rlim_cur = value;
    limit.rlim_max = value;
    return ::setrlimit(resource, &limit) == 0 ? 0 : errno;
}

} // namespace

std::string function_uid_map(uid_t emulator_uid)
{
    const uid_t outside = emulator_uid == 0 ? kOutsideUidWhenRoot : emulator_uid;
    std::string map = std::to_string(kFunctionUid) + " " + std::to_string(outside) + " 1\n";
    if (emulator_uid == 0) map = "0 0 1\n" + map;
    return map;
}

std::string function_gid_map(uid_t emulator_uid, gid_t emulator_gid)
{
    const gid_t outside = emulator_uid == 0 ? kOutsideGidWhenRoot : emulator_gid;
    std::string map = std::to_string(kFunctionGid) + " " + std::to_string(outside) + " 1\n";
    if (emulator_uid == 0) map = "0 0 1\n" + map;
    return map;
}

int become_function_user() noexcept
{
    // The bounding set first: dropping from it needs CAP_SETPCAP, which the uid change below
    // takes away. Nothing the function execs (a file with capabilities) can gain one back.
    const int last = last_capability();
    for (int capability = 0; capability <= last; ++capability) {
        if (::prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0 && errno != EINVAL) return errno;
    }
    // Supplementary groups: refused where the emulator is unprivileged (setgroups is denied in its
    // namespace, and the only group mapped is its own), so that failure is expected.
    if (::setgroups(0, nullptr) != 0 && errno != EPERM) return errno;
    if (::setresgid(kFunctionGid, kFunctionGid, kFunctionGid) != 0) return errno;
    if (const int error = lower_limit(RLIMIT_NPROC, kProcessLimit); error != 0) return error;
    if (const int error = lower_limit(RLIMIT_NOFILE, kOpenFileLimit); error != 0) return error;
    if (::setresuid(kFunctionUid, kFunctionUid, kFunctionUid) != 0) return errno;
    // A uid that did not change (an unprivileged emulator's own, already 993 inside) keeps the
    // capabilities setns gave: clear them all explicitly.
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) return errno;
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3] = {};
    if (::syscall(SYS_capset, &header, none) != 0) return errno;
    // No setuid binary, no file capability, raises it again.
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
    return 0;
}

std::string sandbox_passwd_file()
{
    return "root:x:0:0:root:/root:/bin/bash\n" + std::string{kFunctionUserName} + ":x:" + std::to_string(kFunctionUid) +
           ":" + std::to_string(kFunctionGid) + "::/home/" + kFunctionUserName +
           ":/sbin/nologin\nnobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin\n";
}

std::string sandbox_group_file()
{
    return "root:x:0:\n" + std::string{kFunctionUserName} + ":x:" + std::to_string(kFunctionGid) +
           ":\nnobody:x:65534:\n";
}

} // namespace lambda_emu::process
