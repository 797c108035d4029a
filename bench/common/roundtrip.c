/*
 * roundtrip.c --
 *
 *	The raw MPI ceiling for benchmarks: rank 0 sends a small message to
 *	rank 1 and waits for the reply, COUNT times. A task through a queue
 *	needs at least one such request and reply, so this rate bounds every
 *	task rate measured beside it.
 *
 *	Usage: mpiexec -n 2 roundtrip COUNT
 *	Prints: "roundtrips_per_second R" and "latency_us L" on rank 0.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0;
    int size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size != 2 || argc != 2) {
        if (rank == 0) {
            fprintf(stderr, "Usage: mpiexec -n 2 roundtrip COUNT\n");
        }
        MPI_Finalize();
        return 2;
    }
    const long count = atol(argv[1]);
    char message[16] = "task";

    MPI_Barrier(MPI_COMM_WORLD);
    const double start = MPI_Wtime();
    for (long i = 0; i < count; i++) {
        if (rank == 0) {
            MPI_Send(message, sizeof message, MPI_CHAR, 1, 0, MPI_COMM_WORLD);
            MPI_Recv(message, sizeof message, MPI_CHAR, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
            MPI_Recv(message, sizeof message, MPI_CHAR, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(message, sizeof message, MPI_CHAR, 0, 0, MPI_COMM_WORLD);
        }
    }
    const double seconds = MPI_Wtime() - start;
    if (rank == 0) {
        printf("roundtrips_per_second %.0f\n", count / seconds);
        printf("latency_us %.2f\n", 1e6 * seconds / count);
    }
    MPI_Finalize();
    return 0;
}
