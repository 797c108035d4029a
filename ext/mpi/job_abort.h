/*
 * job_abort.h --
 *
 *	Ending the whole MPI job without losing this rank's last words. The
 *	launcher reads each rank's stdout and stderr through pipes or sockets,
 *	and on an abort it may kill the job before it has read them, so the
 *	message that explains why the job ended would be lost. AbortJob waits
 *	until the launcher has read what this rank wrote, then aborts.
 */
#ifndef HEDFLOW_MPI_JOB_ABORT_H
#define HEDFLOW_MPI_JOB_ABORT_H

#include <mpi.h>

namespace hedflow::mpi {

/*
 * AbortJob --
 *
 *	Waits, for at most two seconds, until the reader of stdout and stderr
 *	has taken everything this process wrote to them, then calls MPI_Abort
 *	on comm with code. Callers flush their own buffers first.
 *
 *	Results:
 *	    Returns MPI_Abort's error code only if MPI_Abort returns.
 */
int AbortJob(MPI_Comm comm, int code);

} // namespace hedflow::mpi

#endif
