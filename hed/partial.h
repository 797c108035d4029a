// partial.h -- mergeable partial statistics of prediction errors.
//
// A Partial holds what can be merged exactly enough to be split across
// workers: counts, compensated sums, means and central moments (Pebay's
// update formulas), the co-moment of auc_true and auc_pred, AUC range
// tables, sensitivity counts and an error histogram. A worker computes one
// over its share of records and serializes it; the leader parses and merges
// them in any order and gets the single-pass result to about 1e-12 relative.
// Rank statistics (Spearman, quantiles) do not merge and are not here.
#ifndef HEDFLOW_HED_PARTIAL_H
#define HEDFLOW_HED_PARTIAL_H

#include <cstdint>
#include <string>
#include <vector>

#include "value.h"

namespace hed {

/// The options of a Partial; two partials merge only when they match.
struct PartialConfig {
    std::vector<double> alphas = {0, 1, 2, 4};   ///< MAE-poly exponents
    std::vector<int> ranges = {10, 2};           ///< AUC range counts k
    double threshold = 0.5;                      ///< sensitive: AUC < threshold
    double beta = 4.0;                           ///< F-beta weight of recall
    double histogram_low = -1.0;                 ///< error histogram range
    double histogram_high = 1.0;
    int histogram_bins = 40;

    bool operator==(const PartialConfig &other) const;
};

/// Parses -alphas LIST, -ranges LIST, -threshold X, -beta X and
/// -histogram {LOW HIGH BINS}; other options are left in \a rest.
PartialConfig parse_partial_config(const std::vector<std::string> &options,
                                   std::vector<std::string> *rest);

/// A sum with Neumaier's compensation, so merge order barely matters.
struct CompensatedSum {
    double sum = 0.0;
    double compensation = 0.0;

    void add(double x);
    void merge(const CompensatedSum &other);
    double value() const { return sum + compensation; }
};

/// The errors of the records in one AUC range.
struct RangeCell {
    uint64_t n = 0;
    CompensatedSum abs_error;
    CompensatedSum squared_error;
    CompensatedSum error;

    void merge(const RangeCell &other);
    Value value(double low, double high) const;
};

class Partial {
public:
    explicit Partial(PartialConfig config = PartialConfig());

    /// Adds \a n records (auc_true \a y, auc_pred \a p). With \a counts
    /// false, the sensitivity counts and the error histogram are skipped, for
    /// callers that report neither: the partial then gives null for both and
    /// cannot be serialized.
    void add(const double *y, const double *p, size_t n, bool counts = true);
    /// Adds the records of \a other (same configuration).
    void merge(const Partial &other);

    /// \returns the partial as one line of text that parse() restores
    /// bit for bit (reals are written in hexadecimal).
    /// \warning raises {HED PARTIAL INCOMPLETE} when records were added
    /// without their counts.
    std::string serialize() const;
    /// \warning raises {HED PARTIAL PARSE} on text serialize() did not write.
    static Partial parse(const std::string &text);

    const PartialConfig &config() const { return config_; }
    uint64_t n() const { return n_; }
    double mse() const;
    double rmse() const;
    double mae() const;
    double mean_error() const { return n_ > 0 ? mean_e_ : nan(); }
    double sd_error() const;
    double pcc() const;
    /// \returns NaN for a constant auc_true, where r2 is undefined.
    double r2() const;
    double mae_poly(size_t alpha_index) const;
    /// Adjusted Fisher-Pearson skewness (as scipy.stats.skew with bias=False).
    double skewness() const;
    /// Adjusted excess kurtosis (as scipy.stats.kurtosis with bias=False).
    double excess_kurtosis() const;
    const std::vector<RangeCell> &range_cells(size_t range_index) const { return ranges_[range_index]; }
    const RangeCell &out_of_range(size_t range_index) const { return outside_[range_index]; }

    /// \returns every statistic: n, mse, rmse, mae, pcc, r2, mean_error,
    /// sd_error, mae_poly, rangesK (bins and out_of_range), skewness,
    /// excess_kurtosis, sensitivity and histogram. Undefined values are null.
    Value result() const;
    /// \returns {ALPHA MAE-POLY ...}, ALPHA written as "2" for 2.0.
    Value mae_poly_value() const;
    /// \returns precision, recall and F-beta of "sensitive" with counts,
    /// or null when records were added without their counts.
    Value sensitivity() const;
    /// \returns the error histogram, or null as sensitivity() does.
    Value histogram() const;

private:
    bool variance_at_rounding_level(double m2) const;
    static double nan();

    PartialConfig config_;
    uint64_t n_ = 0;
    double mean_y_ = 0.0, mean_p_ = 0.0, mean_e_ = 0.0;
    double m2_y_ = 0.0, m2_p_ = 0.0, c_yp_ = 0.0;
    double m2_e_ = 0.0, m3_e_ = 0.0, m4_e_ = 0.0;
    double min_y_ = 0.0, max_y_ = 0.0;
    CompensatedSum abs_error_;
    CompensatedSum squared_error_;
    std::vector<CompensatedSum> poly_;
    std::vector<std::vector<RangeCell>> ranges_;
    std::vector<RangeCell> outside_;
    uint64_t true_positive_ = 0, false_positive_ = 0, false_negative_ = 0, true_negative_ = 0;
    std::vector<uint64_t> histogram_;
    uint64_t underflow_ = 0, overflow_ = 0;
    bool counted_ = true;   ///< whether every record was added with its counts
};

} // namespace hed

#endif
