// report.h -- the output of an analysis: one HDF5 file with a group per
// table and the conventions as attributes, a CSV copy of every table, and
// gnuplot plots (error histogram, AUC-range bars, QQ, HED ranking, CSA
// heat map) as SVG and PNG.
#ifndef HEDFLOW_HED_REPORT_H
#define HEDFLOW_HED_REPORT_H

#include <string>
#include <vector>

#include "metrics.h"
#include "table.h"
#include "value.h"

namespace hed {

struct ReportOptions {
    MetricsOptions metrics;
    int top = 10;                 ///< high error drugs listed
    double z_threshold = 2.0;     ///< high error drugs: z above this
    std::string metric = "rmse";  ///< per-drug metric that is standardized
    int k = 10;                   ///< per-cell recall@k
    uint64_t seed = 1;            ///< bootstrap seed
    int replicates = 1000;        ///< bootstrap replicates
    double level = 0.95;          ///< confidence level
    bool plots = true;
    size_t qq_points = 0;         ///< QQ points kept, evenly spaced; 0 keeps all
};

/// Parses the metrics options and -top N, -z_threshold Z, -metric NAME,
/// -k K, -seed S, -replicates B, -level L, -plots BOOL, -qq_points N.
ReportOptions parse_report_options(const std::vector<std::string> &options);

/// Computes every table of the records in \a paths.
std::vector<Table> analysis_tables(const std::vector<std::string> &paths, const ReportOptions &options);

/// Writes \a tables into folder \a folder: NAME.h5, one CSV per table
/// (slashes in table names become '_'), and the plots that the tables allow.
/// \returns {hdf5 PATH csv {PATH ...} plots {PATH ...} messages {TEXT ...}};
/// a message explains why plots were skipped (no gnuplot).
Value write_outputs(const std::vector<Table> &tables, const std::string &folder, const std::string &name,
                    bool plots);

/// The places of write_outputs_to's HDF5 file, CSV copies and plots.
struct OutputPaths {
    std::string hdf5;
    std::string csv_folder;
    std::string plot_folder;
};

/// Like write_outputs, with the HDF5 file, the CSV copies and the plots in
/// places of their own; folders are created when missing.
Value write_outputs_to(const std::vector<Table> &tables, const OutputPaths &paths, bool plots);

} // namespace hed

#endif
