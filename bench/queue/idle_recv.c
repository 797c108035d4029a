/*
 * idle_recv.c --
 *
 *	What waiting costs in plain MPI: rank 1 blocks in MPI_Recv while rank
 *	0 sleeps for SECONDS. Prints rank 1's CPU time divided by the wall
 *	time of the wait. Usage: mpiexec -n 2 idle_recv SECONDS
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

static double
CpuSeconds(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
           + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

int
main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    const double seconds = argc > 1 ? atof(argv[1]) : 2.0;
    int token = 0;

    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        usleep((useconds_t)(seconds * 1e6));
        MPI_Send(&token, 1, MPI_INT, 1, 1, MPI_COMM_WORLD);
    } else if (rank == 1) {
        const double cpu = CpuSeconds();
        const double start = MPI_Wtime();
        MPI_Recv(&token, 1, MPI_INT, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        printf("%.3f\n", (CpuSeconds() - cpu) / (MPI_Wtime() - start));
    }
    MPI_Finalize();
    return 0;
}
