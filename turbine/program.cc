/*
 * program.cc --
 *
 *	StartProgram and WaitProgram (see program.h). Between fork and exec
 *	the code calls only async-signal-safe functions: the rank has other
 *	threads, and a lock one of them held at the fork stays held in the
 *	child.
 */
#include "program.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char **environ;

namespace turbine {

namespace {

// The descriptor on which the program's process reports a failed exec.
constexpr int EXEC_REPORT_FD = 3;

volatile sig_atomic_t stopRequested = 0;

void
NoteStopRequest(int)
{
    stopRequested = 1;
}

/* Closes every descriptor from first up. */
void
CloseFrom(int first)
{
#ifdef SYS_close_range
    if (syscall(SYS_close_range, first, ~0U, 0) == 0) {
        return;
    }
#endif
    const long limit = sysconf(_SC_OPEN_MAX);
    for (long fd = first; fd < (limit > 0 ? limit : 1024); fd++) {
        close(static_cast<int>(fd));
    }
}

/* Restores the default action of every signal and unblocks them all, as
 * a program expects at its start. */
void
ResetSignals()
{
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (int number = 1; number < NSIG; number++) {
        sigaction(number, &action, nullptr);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
}

/* Writes all of length bytes, retrying after interruptions. */
void
WriteAll(int fd, const void *data, size_t length)
{
    const char *bytes = static_cast<const char *>(data);
    while (length > 0) {
        const ssize_t written = write(fd, bytes, length);
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            return;
        }
        bytes += written;
        length -= static_cast<size_t>(written);
    }
}

/*
 * Supervise --
 *
 *	Runs in the forked child: becomes a session leader, starts the
 *	program as the leader of a process group of its own and waits for it,
 *	then ends the way the program ended. SIGTERM is a stop request: the
 *	rank sends it at a time limit, and the kernel sends it when the rank
 *	dies (see PR_SET_PDEATHSIG). It then kills the program's group, so no
 *	program outlives its rank and keeps the job waiting. When the program
 *	ends, the rest of its group (children left in the background) is
 *	killed too, so the program's stdout reaches end-of-file at once.
 */
[[noreturn]] void
Supervise(char *const *argv, char *const *envp, int in, int out, int err, int report, pid_t rank)
{
    ResetSignals();
    setsid();
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    dup2(report, EXEC_REPORT_FD);
    fcntl(EXEC_REPORT_FD, F_SETFD, FD_CLOEXEC);
    CloseFrom(EXEC_REPORT_FD + 1);

    struct sigaction action {};
    action.sa_handler = NoteStopRequest;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != rank) {
        stopRequested = 1;
    }

    const pid_t program = stopRequested ? -1 : fork();
    if (program == 0) {
        setpgid(0, 0);
        ResetSignals();
        // execvp looks the program up in the PATH of environ, so a PATH
        // given with -env takes effect.
        environ = const_cast<char **>(envp);
        execvp(argv[0], argv);
        const int error = errno;
        WriteAll(EXEC_REPORT_FD, &error, sizeof error);
        _exit(127);
    }
    close(EXEC_REPORT_FD);
    if (program < 0) {
        _exit(127);
    }
    // Both sides set the group, so a kill right after the fork finds it.
    setpgid(program, program);

    for (;;) {
        int status = 0;
        if (waitpid(program, &status, 0) == program) {
            kill(-program, SIGKILL);
            if (WIFEXITED(status)) {
                _exit(WEXITSTATUS(status));
            }
            // End by the same signal, without a core file of this process.
            const int number = WTERMSIG(status);
            struct rlimit none {};
            setrlimit(RLIMIT_CORE, &none);
            signal(number, SIG_DFL);
            kill(getpid(), number);
            _exit(128 + number);
        }
        if (errno == EINTR && stopRequested) {
            kill(-program, SIGKILL);
        }
        if (errno == ECHILD) {
            _exit(127);
        }
    }
}

/* Returns the environment of this process with the NAME=VALUE entries
 * of extra added, each replacing an entry of the same name. */
std::vector<std::string>
MergedEnvironment(const std::vector<std::string> &extra)
{
    std::vector<std::string> merged;
    for (char **entry = environ; entry != nullptr && *entry != nullptr; entry++) {
        const char *equals = std::strchr(*entry, '=');
        const size_t nameLength = equals == nullptr ? std::strlen(*entry) : equals - *entry;
        bool replaced = false;
        for (const std::string &assignment : extra) {
            if (assignment.compare(0, nameLength + 1, *entry, nameLength + 1) == 0) {
                replaced = true;
                break;
            }
        }
        if (!replaced) {
            merged.emplace_back(*entry);
        }
    }
    merged.insert(merged.end(), extra.begin(), extra.end());
    return merged;
}

std::vector<char *>
Pointers(std::vector<std::string> &strings)
{
    std::vector<char *> pointers;
    for (std::string &text : strings) {
        pointers.push_back(text.data());
    }
    pointers.push_back(nullptr);
    return pointers;
}

} // namespace

int
StartProgram(const std::vector<std::string> &command, const std::vector<std::string> &environment,
             const std::string &stderrPath, StartedProgram *started, const char **failedStep)
{
    std::vector<std::string> arguments(command);
    std::vector<std::string> variables = MergedEnvironment(environment);
    const std::vector<char *> argv = Pointers(arguments);
    const std::vector<char *> envp = Pointers(variables);

    const int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int err = open(stderrPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int out[2] = {-1, -1};
    int report[2] = {-1, -1};
    int error = 0;
    *failedStep = nullptr;
    if (in < 0) {
        *failedStep = "open /dev/null";
    } else if (err < 0) {
        *failedStep = "open the stderr file";
    } else if (pipe2(out, O_CLOEXEC) != 0) {
        *failedStep = "create a pipe";
    } else if (pipe2(report, O_CLOEXEC) != 0) {
        *failedStep = "create a pipe";
    }
    if (*failedStep != nullptr) {
        error = errno;
    }

    pid_t pid = -1;
    if (*failedStep == nullptr) {
        const pid_t rank = getpid();
        pid = fork();
        if (pid == 0) {
            Supervise(argv.data(), envp.data(), in, out[1], err, report[1], rank);
        }
        if (pid < 0) {
            error = errno;
            *failedStep = "fork";
        }
    }
    for (int fd : {in, err, out[1], report[1]}) {
        if (fd >= 0) {
            close(fd);
        }
    }

    // The report pipe reaches end-of-file once the program has started
    // (its copy closes on exec), or carries the errno of a failed exec.
    if (pid > 0) {
        int execError = 0;
        ssize_t got;
        do {
            got = read(report[0], &execError, sizeof execError);
        } while (got < 0 && errno == EINTR);
        if (got == static_cast<ssize_t>(sizeof execError)) {
            int status = 0;
            int signal = 0;
            WaitProgram(pid, &status, &signal);
            error = execError;
            *failedStep = "run";
        }
    }
    if (report[0] >= 0) {
        close(report[0]);
    }
    if (*failedStep != nullptr) {
        if (out[0] >= 0) {
            close(out[0]);
        }
        return error;
    }
    started->pid = pid;
    started->stdoutFd = out[0];
    return 0;
}

int
WaitProgram(pid_t pid, int *status, int *signal)
{
    int raw = 0;
    pid_t ended;
    do {
        ended = waitpid(pid, &raw, 0);
    } while (ended < 0 && errno == EINTR);
    if (ended < 0) {
        return errno;
    }
    *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    *signal = WIFSIGNALED(raw) ? WTERMSIG(raw) : 0;
    return 0;
}

} // namespace turbine
