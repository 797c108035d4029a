/*
 * program.h --
 *
 *	Starting and waiting for the external programs of turbine::app. Each
 *	program leads a process group of its own, under a supervisor process
 *	that leads a session. The supervisor kills the program's group, its
 *	children included, when it gets SIGTERM (the rank's time limit), when
 *	the rank that started it dies, and when the program ends. The program
 *	inherits no descriptor of the rank but its three standard streams:
 *	stdin is /dev/null, stdout a pipe to the rank and stderr a file. Does
 *	not depend on Tcl.
 */
#ifndef HEDFLOW_TURBINE_PROGRAM_H
#define HEDFLOW_TURBINE_PROGRAM_H

#include <sys/types.h>

#include <string>
#include <vector>

namespace turbine {

struct StartedProgram {
    pid_t pid = -1;      // the supervisor: send it SIGTERM to stop the program
    int stdoutFd = -1;   // read end of the program's stdout
};

/*
 * StartProgram --
 *
 *	Starts command (program and arguments, the program looked up in PATH)
 *	with the environment of this process plus the NAME=VALUE entries of
 *	environment, and its stderr written to stderrPath.
 *
 *	Results:
 *	    0 and *started filled in, or the errno of the failure, with
 *	    *failedStep naming it ("run" when the program itself could not be
 *	    executed). Nothing is left running after a failure.
 */
int StartProgram(const std::vector<std::string> &command, const std::vector<std::string> &environment,
                 const std::string &stderrPath, StartedProgram *started, const char **failedStep);

/*
 * WaitProgram --
 *
 *	Waits for the supervisor pid to end.
 *
 *	Results:
 *	    0 with *signal 0 and *status the program's exit status, or 0 with
 *	    *signal the number of the signal that ended it; otherwise the
 *	    errno of waitpid.
 */
int WaitProgram(pid_t pid, int *status, int *signal);

} // namespace turbine

#endif
