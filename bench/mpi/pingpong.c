/*
 * pingpong.c --
 *
 *	The raw MPI baseline of bench/mpi: ping-pong latency and one-way
 *	message rate between ranks 0 and 1 with MPI_Send and MPI_Recv of
 *	8-byte messages. Prints "latency_us X" and "rate_per_s Y" on rank 0.
 *
 *	Usage: pingpong ROUND_TRIPS MESSAGES
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
    const int roundTrips = argc > 1 ? atoi(argv[1]) : 10000;
    const int messages = argc > 2 ? atoi(argv[2]) : 100000;
    char buffer[8] = "1234567";
    const int other = 1 - rank;

    /* Ping-pong: rank 0 sends, rank 1 echoes; a few round trips warm up. */
    double start = 0;
    for (int i = -100; i < roundTrips; ++i) {
        if (i == 0) {
            MPI_Barrier(MPI_COMM_WORLD);
            start = MPI_Wtime();
        }
        if (rank == 0) {
            MPI_Send(buffer, 8, MPI_BYTE, other, 1, MPI_COMM_WORLD);
            MPI_Recv(buffer, 8, MPI_BYTE, other, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
            MPI_Recv(buffer, 8, MPI_BYTE, other, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(buffer, 8, MPI_BYTE, other, 1, MPI_COMM_WORLD);
        }
    }
    const double latency = (MPI_Wtime() - start) / roundTrips / 2 * 1e6;

    /* Message rate: rank 0 streams messages, rank 1 acknowledges the last. */
    MPI_Barrier(MPI_COMM_WORLD);
    start = MPI_Wtime();
    for (int i = 0; i < messages; ++i) {
        if (rank == 0) {
            MPI_Send(buffer, 8, MPI_BYTE, other, 2, MPI_COMM_WORLD);
        } else {
            MPI_Recv(buffer, 8, MPI_BYTE, other, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        }
    }
    if (rank == 0) {
        MPI_Recv(buffer, 8, MPI_BYTE, other, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else {
        MPI_Send(buffer, 8, MPI_BYTE, other, 3, MPI_COMM_WORLD);
    }
    const double rate = messages / (MPI_Wtime() - start);

    if (rank == 0) {
        printf("latency_us %.3f\nrate_per_s %.0f\n", latency, rate);
    }
    MPI_Finalize();
    return 0;
}
