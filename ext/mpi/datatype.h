/*
 * datatype.h --
 *
 *	The data types and reduction operators of the mpi package, as the
 *	core sees them. A message always travels as MPI_BYTE: mpi::auto sends
 *	the Tcl string representation, the numeric types send the native
 *	binary layout of their C type. The receiver must name the same type as
 *	the sender, as in TclMPI. Reductions use the matching MPI datatype.
 *
 *	NOTE: numeric types travel in the sender's native layout, so sender
 *	and receiver must share byte order and type sizes (a homogeneous
 *	cluster).
 */
#ifndef HEDFLOW_DATATYPE_H
#define HEDFLOW_DATATYPE_H

#include <mpi.h>

#include <cstddef>

namespace hedflow::mpi {

enum class DataType {
    Auto,   /* any Tcl value, as its string representation */
    Int,    /* C int */
    Double, /* C double */
    IntInt, /* pairs (int value, int index), MPI_2INT */
    DblInt, /* pairs (double value, int index), MPI_DOUBLE_INT */
};

enum class ReduceOp { Max, Min, Sum, Prod, Land, Band, Lor, Bor, Lxor, Bxor, Maxloc, Minloc };

/* Layout of one mpi::intint element, the layout MPI_2INT describes. */
struct IntIntPair {
    int value;
    int index;
};

/* Layout of one mpi::dblint element, the layout MPI_DOUBLE_INT describes. */
struct DoubleIntPair {
    double value;
    int index;
};

/* Returns the handle name of type, such as "mpi::int". */
const char *DataTypeName(DataType type);

/* Returns the handle name of op, such as "mpi::sum". */
const char *ReduceOpName(ReduceOp op);

/* Returns the size in bytes of one element of type; 1 for DataType::Auto. */
std::size_t ElementSize(DataType type);

/*
 * CheckReduction --
 *
 *	Throws Error when op cannot reduce values of type: mpi::auto never
 *	reduces; maxloc and minloc need a pair type and pair types need them;
 *	doubles take only max, min, sum and prod, as in the MPI standard.
 */
void CheckReduction(DataType type, ReduceOp op);

/* Returns the MPI datatype a reduction of type uses (not for Auto). */
MPI_Datatype ReductionDatatype(DataType type);

/* Returns the MPI operator of op. */
MPI_Op ReductionOperator(ReduceOp op);

} // namespace hedflow::mpi

#endif
