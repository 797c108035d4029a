// hdf5_io.h -- hedflow's HDF5 files: result tables and records.
//
// Layout: each table is a group (path such as /drugs or /csa/rmse_mean)
// with one dataset per column (float64, or variable-length UTF-8 strings)
// and an attribute "columns" listing their order. The root group carries
// the statistical conventions as string attributes. Records are the table
// /records with columns auc_true, auc_pred, drug and cell; hed reads such a
// file as input like a CSV file.
#ifndef HEDFLOW_HED_HDF5_IO_H
#define HEDFLOW_HED_HDF5_IO_H

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "reader.h"
#include "table.h"

namespace hed {

/// \returns the conventions written as attributes: (name, text) pairs.
std::vector<std::pair<std::string, std::string>> conventions();

/// \returns whether \a path starts with the HDF5 signature.
bool is_hdf5_file(const std::string &path);

/// Writes \a tables to a new HDF5 file at \a path, through a temporary
/// name renamed into place. A table named "a/b" becomes group /a/b.
/// \warning raises {HED HDF5 WRITE path} on failure.
void write_hdf5(const std::string &path, const std::vector<Table> &tables);

/// \returns the table stored in group \a name of \a path.
/// \warning raises {HED HDF5 READ path} when absent or malformed.
Table read_hdf5_table(const std::string &path, const std::string &name);

/// \returns the names of the tables in \a path, in file order.
std::vector<std::string> list_hdf5_tables(const std::string &path);

/// \returns the string attributes of the root group of \a path.
std::vector<std::pair<std::string, std::string>> read_hdf5_attributes(const std::string &path);

/// Opens the /records table of \a path as a record source read in chunks.
std::unique_ptr<RecordSource> open_hdf5_records(const std::string &path, const ReadOptions &options);

} // namespace hed

#endif
