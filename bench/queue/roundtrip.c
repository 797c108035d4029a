/*
 * roundtrip.c --
 *
 *	The ceiling for a task queue: rank 0 sends a small request to rank 1
 *	and waits for a small reply, COUNT times. Prints round trips per
 *	second. Usage: mpiexec -n 2 roundtrip COUNT
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    const long count = argc > 1 ? atol(argv[1]) : 1000000;
    char request[16] = {0};
    char reply[32] = {0};

    MPI_Barrier(MPI_COMM_WORLD);
    const double start = MPI_Wtime();
    for (long i = 0; i < count; i++) {
        if (rank == 0) {
            MPI_Send(request, sizeof request, MPI_BYTE, 1, 1, MPI_COMM_WORLD);
            MPI_Recv(reply, sizeof reply, MPI_BYTE, 1, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else if (rank == 1) {
            MPI_Recv(request, sizeof request, MPI_BYTE, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(reply, sizeof reply, MPI_BYTE, 0, 2, MPI_COMM_WORLD);
        }
    }
    const double seconds = MPI_Wtime() - start;
    if (rank == 0) {
        printf("%.0f\n", count / seconds);
    }
    MPI_Finalize();
    return 0;
}
