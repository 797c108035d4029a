/*
 * init_finalize.c --
 *
 *	The lower bound of any MPI run: MPI_Init and MPI_Finalize only.
 */
#include <mpi.h>

int
main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Finalize();
    return 0;
}
