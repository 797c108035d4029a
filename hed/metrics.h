// metrics.h -- the per-file statistics of `hedflow hed metrics`.
//
// The keys and layout follow the pandas reference implementation: n, mse,
// rmse, mae, pcc, scc, r2, mean_error, sd_error, mae_poly, ranges10,
// ranges2, skewness and excess_kurtosis, with null for undefined values.
#ifndef HEDFLOW_HED_METRICS_H
#define HEDFLOW_HED_METRICS_H

#include <string>
#include <vector>

#include "partial.h"
#include "reader.h"
#include "value.h"

namespace hed {

struct MetricsOptions {
    ReadOptions read;
    PartialConfig config;
    /// Records kept in memory for Spearman's correlation; a larger file is
    /// read twice instead, with memory bounded by its distinct values.
    size_t memory_rows = size_t(1) << 21;
    /// Whether the partial keeps the sensitivity counts and the error
    /// histogram: `hed metrics` and the cross-study tables report neither.
    bool counts = true;
};

/// Parses the reader options, the partial options and -memory_rows N.
MetricsOptions parse_metrics_options(const std::vector<std::string> &options);

struct FileMetrics {
    std::string path;
    Format format = Format::Improve;
    Partial partial;
    double scc = 0.0;
    bool streamed = false;   ///< whether Spearman needed a second pass
    SkipReport skipped;
};

/// Reads \a path in chunks and computes its statistics.
/// \warning raises {HED INPUT ...} errors from the reader, and
/// {HED INPUT EMPTY path} when every row was skipped.
FileMetrics compute_file_metrics(const std::string &path, const MetricsOptions &options);

/// \returns the statistics in the reference layout; with \a with_skips, the
/// keys skipped and skipped_examples follow.
Value metrics_value(const FileMetrics &metrics, bool with_skips);

/// \returns {"file": PATH, ...statistics} as one JSON line.
std::string metrics_json(const FileMetrics &metrics);

/// \returns the CSV header line of metrics_csv_row for \a config.
std::string metrics_csv_header(const PartialConfig &config);

/// \returns one CSV line: the file, then the statistics flattened in the
/// JSON order (mae_poly_0, ranges10_0_n, ranges10_0_mae, ...); empty for null.
std::string metrics_csv_row(const FileMetrics &metrics);

} // namespace hed

#endif
