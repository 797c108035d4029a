/*
 * datatype.cc --
 *
 *	Names, sizes and MPI equivalents of the package's data types and
 *	reduction operators.
 */
#include "datatype.h"

#include "mpi_error.h"

#include <string>

namespace hedflow::mpi {

const char *
DataTypeName(DataType type)
{
    switch (type) {
    case DataType::Auto: return "mpi::auto";
    case DataType::Int: return "mpi::int";
    case DataType::Double: return "mpi::double";
    case DataType::IntInt: return "mpi::intint";
    case DataType::DblInt: return "mpi::dblint";
    }
    return "mpi::auto";
}

const char *
ReduceOpName(ReduceOp op)
{
    switch (op) {
    case ReduceOp::Max: return "mpi::max";
    case ReduceOp::Min: return "mpi::min";
    case ReduceOp::Sum: return "mpi::sum";
    case ReduceOp::Prod: return "mpi::prod";
    case ReduceOp::Land: return "mpi::land";
    case ReduceOp::Band: return "mpi::band";
    case ReduceOp::Lor: return "mpi::lor";
    case ReduceOp::Bor: return "mpi::bor";
    case ReduceOp::Lxor: return "mpi::lxor";
    case ReduceOp::Bxor: return "mpi::bxor";
    case ReduceOp::Maxloc: return "mpi::maxloc";
    case ReduceOp::Minloc: return "mpi::minloc";
    }
    return "mpi::sum";
}

std::size_t
ElementSize(DataType type)
{
    switch (type) {
    case DataType::Auto: return 1;
    case DataType::Int: return sizeof(int);
    case DataType::Double: return sizeof(double);
    case DataType::IntInt: return sizeof(IntIntPair);
    case DataType::DblInt: return sizeof(DoubleIntPair);
    }
    return 1;
}

void
CheckReduction(DataType type, ReduceOp op)
{
    const std::string typeName = DataTypeName(type);
    const std::string opName = ReduceOpName(op);
    const bool pairOp = op == ReduceOp::Maxloc || op == ReduceOp::Minloc;
    const bool pairType = type == DataType::IntInt || type == DataType::DblInt;

    if (type == DataType::Auto) {
        throw Error("reductions do not support data type mpi::auto: use mpi::int, "
                    "mpi::double, mpi::intint or mpi::dblint",
                    {"TYPE", "UNSUPPORTED", typeName});
    }
    if (pairOp && !pairType) {
        throw Error("operator " + opName + " needs data type mpi::intint or mpi::dblint, not " +
                        typeName,
                    {"OP", "TYPE", opName, typeName});
    }
    if (pairType && !pairOp) {
        throw Error("data type " + typeName + " reduces only with mpi::maxloc or mpi::minloc, not " +
                        opName,
                    {"OP", "TYPE", opName, typeName});
    }
    const bool arithmetic = op == ReduceOp::Max || op == ReduceOp::Min || op == ReduceOp::Sum ||
                            op == ReduceOp::Prod;
    if (type == DataType::Double && !arithmetic) {
        throw Error("operator " + opName + " needs data type mpi::int: doubles reduce only with "
                    "mpi::max, mpi::min, mpi::sum or mpi::prod",
                    {"OP", "TYPE", opName, typeName});
    }
}

MPI_Datatype
ReductionDatatype(DataType type)
{
    switch (type) {
    case DataType::Int: return MPI_INT;
    case DataType::Double: return MPI_DOUBLE;
    case DataType::IntInt: return MPI_2INT;
    case DataType::DblInt: return MPI_DOUBLE_INT;
    case DataType::Auto: break;
    }
    return MPI_BYTE;
}

MPI_Op
ReductionOperator(ReduceOp op)
{
    switch (op) {
    case ReduceOp::Max: return MPI_MAX;
    case ReduceOp::Min: return MPI_MIN;
    case ReduceOp::Sum: return MPI_SUM;
    case ReduceOp::Prod: return MPI_PROD;
    case ReduceOp::Land: return MPI_LAND;
    case ReduceOp::Band: return MPI_BAND;
    case ReduceOp::Lor: return MPI_LOR;
    case ReduceOp::Bor: return MPI_BOR;
    case ReduceOp::Lxor: return MPI_LXOR;
    case ReduceOp::Bxor: return MPI_BXOR;
    case ReduceOp::Maxloc: return MPI_MAXLOC;
    case ReduceOp::Minloc: return MPI_MINLOC;
    }
    return MPI_SUM;
}

} // namespace hedflow::mpi
