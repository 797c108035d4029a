/*
 * hedflow-rank.c --
 *
 *	Runs the program of one MPI rank as a child process and, when a
 *	signal kills that child, prints a line naming the rank before exiting
 *	like the child did. MPI launchers report a dead process by its pid;
 *	this line names the rank. The launcher places this program between
 *	mpiexec and tclsh.
 *
 *	Usage: hedflow-rank PROGRAM [ARG...]
 *
 *	Signals the wrapper receives are passed on to the child, and the
 *	child is killed if the wrapper dies first (PR_SET_PDEATHSIG), so no
 *	rank outlives a job that is being torn down.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pid_t child = -1;
static volatile sig_atomic_t forwarded = 0;

/* Passes a signal received by the wrapper on to the rank's program. */
static void
Forward(int signalNumber)
{
    forwarded = 1;
    if (child > 0) {
        kill(child, signalNumber);
    }
}

/* Returns the rank as the launcher exported it, or "?". */
static const char *
RankFromEnvironment(void)
{
    const char *names[] = {"PMI_RANK", "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "SLURM_PROCID"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *value = getenv(names[i]);
        if (value != NULL && value[0] != '\0') {
            return value;
        }
    }
    return "?";
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "Usage: hedflow-rank PROGRAM [ARG...]\n");
        return 2;
    }

    const pid_t parent = getpid();
    child = fork();
    if (child < 0) {
        fprintf(stderr, "hedflow-rank: cannot start %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) {
            _exit(128 + SIGKILL);
        }
        execvp(argv[1], argv + 1);
        fprintf(stderr, "hedflow-rank: cannot run %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }

    const int passed[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = Forward;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < sizeof passed / sizeof passed[0]; i++) {
        sigaction(passed[i], &action, NULL);
    }

    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "hedflow-rank: waiting for %s failed: %s\n", argv[1], strerror(errno));
            return 1;
        }
    }

    if (WIFSIGNALED(status)) {
        const int signalNumber = WTERMSIG(status);
        // A signal the wrapper passed on is the launcher tearing the job
        // down; only a death from elsewhere is worth a line.
        if (!forwarded) {
            char host[256] = "?";
            gethostname(host, sizeof host - 1);
            fprintf(stderr, "hedflow: rank %s (pid %d on %s) was killed by signal %d (%s)\n",
                    RankFromEnvironment(), (int)child, host, signalNumber, strsignal(signalNumber));
        }
        return 128 + signalNumber;
    }
    return WEXITSTATUS(status);
}
