// analysis.h -- analyses of records held in memory: statistics by drug or
// cell line, z-scores of errors, standardized per-drug scores, high error
// drugs, and per-cell ranking quality.
#ifndef HEDFLOW_HED_ANALYSIS_H
#define HEDFLOW_HED_ANALYSIS_H

#include <string>
#include <vector>

#include "reader.h"
#include "table.h"
#include "value.h"

namespace hed {

/// Records of one or more files, with drug and cell names shared across
/// files (-1: unknown).
struct Records {
    std::vector<double> y;
    std::vector<double> p;
    std::vector<int32_t> drug;
    std::vector<int32_t> cell;
    std::vector<std::string> drugs;
    std::vector<std::string> cells;
    SkipReport skipped;

    size_t size() const { return y.size(); }
};

/// Reads every file of \a paths into memory.
Records load_records(const std::vector<std::string> &paths, const ReadOptions &options);

/// \returns one row per drug (\a by = "drug") or cell line ("cell"): name,
/// n, mse, rmse, mae, pcc, scc, r2, mean_error, sd_error. Records without a
/// name are left out.
Table group_table(const Records &records, const std::string &by);

/// \returns the z-score of each record's error: (e - mean) / sd over all
/// records, or within the record's drug when \a within_drug is set.
/// Groups of one record or of constant errors get NaN.
std::vector<double> error_zscores(const Records &records, bool within_drug);

/// Standardizes per-drug scores: z = (x - mean) / sd (ddof 1) and the
/// robust z = (x - median) / (1.4826 * MAD), where 1.4826 makes the MAD
/// estimate the standard deviation of normal data. Returns the table
/// (name, value, z, robust_z, rank by value, highest first), plus the
/// top \a top names and those with z above \a threshold.
Value standardized_scores(const std::vector<std::string> &names, const std::vector<double> &values,
                          int top, double threshold);

/// \returns one row per cell line: cell, n (drugs), recall of the k most
/// sensitive drugs (lowest auc_true) among the k predicted most sensitive
/// (lowest auc_pred), with k = min(k, n), and Spearman's correlation of
/// the drug ranking. Ties are broken by drug name.
Table cell_ranking(const Records &records, int k);

} // namespace hed

#endif
