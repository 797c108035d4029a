// csa.h -- cross-study analysis: for a tree
// SOURCE-TARGET/split_K/test_y_data_predicted.csv, the mean and sd (ddof 1)
// over splits of each metric, as source x target matrices.
#ifndef HEDFLOW_HED_CSA_H
#define HEDFLOW_HED_CSA_H

#include <string>
#include <vector>

#include "metrics.h"
#include "table.h"

namespace hed {

/// The metrics summarized per study pair.
const std::vector<std::string> &csa_metrics();

/// Computes the CSA of the tree under \a root. Tables: "csa/splits" (one
/// row per file: source, target, split, metrics) and for each metric M
/// "csa/M_mean" and "csa/M_sd" (one row per source, one column per target;
/// NaN where a pair is absent, sd NaN for a single split). Study names are
/// split at the first '-' of the folder name.
/// \warning raises {HED CSA EMPTY root} when no file matches.
std::vector<Table> csa_tables(const std::string &root, const MetricsOptions &options);

} // namespace hed

#endif
