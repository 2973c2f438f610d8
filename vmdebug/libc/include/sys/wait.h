/* sys/wait.h - vmdebug libc: waiting for child processes, and the macros
 * that read the status word (include/uapi/linux/wait.h, glibc's
 * bits/waitstatus.h). */
#ifndef _VMDEBUG_SYS_WAIT_H
#define _VMDEBUG_SYS_WAIT_H
#include <sys/types.h>

#define WNOHANG 1
#define WUNTRACED 2

#define WEXITSTATUS(s) (((s) & 0xff00) >> 8)
#define WTERMSIG(s) ((s) & 0x7f)
#define WIFEXITED(s) (WTERMSIG(s) == 0)
#define WIFSIGNALED(s) (((signed char)(((s) & 0x7f) + 1) >> 1) > 0)
#define WIFSTOPPED(s) (((s) & 0xff) == 0x7f)
#define WCOREDUMP(s) ((s) & 0x80)

/* wait(&status): waitpid(-1, &status, 0). */
pid_t wait(int *status);
/* waitpid(2): wait for the child pid (-1: any), reap it, and store its status. */
pid_t waitpid(pid_t pid, int *status, int options);
#endif
