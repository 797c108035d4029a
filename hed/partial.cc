// partial.cc -- mergeable partial statistics of prediction errors.
#include "partial.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>

#include "error.h"
#include "options.h"
#include "ranges.h"

namespace hed {

bool
PartialConfig::operator==(const PartialConfig &other) const
{
    return alphas == other.alphas && ranges == other.ranges && threshold == other.threshold
        && beta == other.beta && histogram_low == other.histogram_low
        && histogram_high == other.histogram_high && histogram_bins == other.histogram_bins;
}

PartialConfig
parse_partial_config(const std::vector<std::string> &options, std::vector<std::string> *rest)
{
    PartialConfig config;
    OptionList list(options);
    while (list.more()) {
        std::string name = list.name();
        if (name == "-alphas") {
            config.alphas = list.reals();
        } else if (name == "-ranges") {
            config.ranges.clear();
            for (int64_t k : list.integers(1, 100000)) {
                config.ranges.push_back(int(k));
            }
        } else if (name == "-threshold") {
            config.threshold = list.real();
        } else if (name == "-beta") {
            config.beta = list.real();
            if (config.beta <= 0) {
                usage_error("option -beta expects a positive number");
            }
        } else if (name == "-histogram") {
            std::vector<double> spec = list.reals();
            if (spec.size() != 3 || !(spec[0] < spec[1]) || spec[2] < 1 || spec[2] > 1e6
                || spec[2] != std::floor(spec[2])) {
                usage_error("option -histogram expects {LOW HIGH BINS} with LOW < HIGH and 1 <= BINS <= 1000000");
            }
            config.histogram_low = spec[0];
            config.histogram_high = spec[1];
            config.histogram_bins = int(spec[2]);
        } else if (rest != nullptr) {
            rest->push_back(name);
            rest->push_back(list.text());
        } else {
            usage_error("unknown option \"" + name + "\": expected -alphas, -ranges, -threshold, -beta or -histogram");
        }
    }
    return config;
}

void
CompensatedSum::add(double x)
{
    double total = sum + x;
    if (std::fabs(sum) >= std::fabs(x)) {
        compensation += (sum - total) + x;
    } else {
        compensation += (x - total) + sum;
    }
    sum = total;
}

void
CompensatedSum::merge(const CompensatedSum &other)
{
    add(other.sum);
    add(other.compensation);
}

void
RangeCell::merge(const RangeCell &other)
{
    n += other.n;
    abs_error.merge(other.abs_error);
    squared_error.merge(other.squared_error);
    error.merge(other.error);
}

Value
RangeCell::value(double low, double high) const
{
    Value row = Value::dict();
    if (low == low) {
        row.set("lo", Value::real(low));
        row.set("hi", Value::real(high));
    }
    row.set("n", Value::integer(int64_t(n)));
    double count = double(n);
    row.set("mae", n > 0 ? Value::real(abs_error.value() / count) : Value());
    row.set("rmse", n > 0 ? Value::real(std::sqrt(squared_error.value() / count)) : Value());
    row.set("mean_error", n > 0 ? Value::real(error.value() / count) : Value());
    return row;
}

Partial::Partial(PartialConfig config) : config_(std::move(config))
{
    poly_.resize(config_.alphas.size());
    ranges_.resize(config_.ranges.size());
    for (size_t r = 0; r < config_.ranges.size(); r++) {
        ranges_[r].resize(size_t(config_.ranges[r]));
    }
    outside_.resize(config_.ranges.size());
    histogram_.assign(size_t(config_.histogram_bins), 0);
}

double
Partial::nan()
{
    return std::numeric_limits<double>::quiet_NaN();
}

namespace internal {

/// \returns (1 - y)^alpha, by multiplication when alpha is a small integer.
inline double
poly_weight(double base, double alpha)
{
    switch (int(alpha)) {
    case 0: if (alpha == 0) return 1.0; break;
    case 1: if (alpha == 1) return base; break;
    case 2: if (alpha == 2) return base * base; break;
    case 3: if (alpha == 3) return base * base * base; break;
    case 4: if (alpha == 4) { double s = base * base; return s * s; } break;
    default: break;
    }
    return std::pow(base, alpha);
}

/// Accumulators are kept in this many copies, record i going to copy
/// i % lanes: consecutive records that fall in the same AUC range or
/// histogram bin then update different memory, so the additions do not
/// wait for one another. A power of two, so that i % lanes is i & (lanes - 1).
const size_t lanes = 4;

/// The sums of one AUC range table over a batch of records.
struct RangeSums {
    int k;
    std::vector<double> edges;   ///< range_edge(i, k) for i = 0 .. k
    /// n, |error|, error^2 and error per cell, cell k counting the records
    /// outside [0, 1], per lane: sums[((lane * (k + 1)) + cell) * 4 + stat].
    std::vector<double> sums;

    explicit RangeSums(int count) : k(count), edges(size_t(count) + 1)
    {
        for (int i = 0; i <= k; i++) {
            edges[size_t(i)] = range_edge(i, k);
        }
        sums.assign(lanes * (size_t(k) + 1) * 4, 0.0);
    }
};

// The passes over a batch are separate functions, so that the compiler
// keeps each loop's sums in registers. They sum records 2i and 2i + 1 in
// the two lanes of a vector (SSE2 on x86-64, NEON on ARM, plain code
// elsewhere), and add the lanes at the end.
typedef double Pair __attribute__((vector_size(16)));

inline Pair
load_pair(const double *x)
{
    Pair pair;
    std::memcpy(&pair, x, sizeof pair);
    return pair;
}

inline double
lane_sum(Pair pair)
{
    return pair[0] + pair[1];
}

/// The first pass: sums and extremes.
struct FirstPass {
    double sum_y, sum_p, sum_e, min_y, max_y;
};

[[gnu::noinline]] FirstPass
first_pass(const double *y, const double *p, size_t n)
{
    Pair sum_y = {0.0, 0.0}, sum_p = {0.0, 0.0}, sum_e = {0.0, 0.0};
    Pair min_y = {y[0], y[0]}, max_y = {y[0], y[0]};
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        Pair yy = load_pair(y + i), pp = load_pair(p + i);
        sum_y += yy;
        sum_p += pp;
        sum_e += pp - yy;
        min_y = yy < min_y ? yy : min_y;
        max_y = yy > max_y ? yy : max_y;
    }
    FirstPass out{lane_sum(sum_y), lane_sum(sum_p), lane_sum(sum_e), std::min(min_y[0], min_y[1]),
                  std::max(max_y[0], max_y[1])};
    if (i < n) {
        out.sum_y += y[i];
        out.sum_p += p[i];
        out.sum_e += p[i] - y[i];
        out.min_y = std::min(out.min_y, y[i]);
        out.max_y = std::max(out.max_y, y[i]);
    }
    return out;
}

/// The second pass: sums of deviations from the means, and the MAE-poly
/// sums of |error| (1 - auc_true)^k for k = 0 .. 4 (k = 0 is the MAE sum).
struct SecondPass {
    double m2_y, m2_p, c_yp, s1_e, s2_e, s3_e, s4_e, squared_error;
    double powers[5];
};

/// Adds the terms of one record to \a sums (scalar code for the last one).
inline void
add_second_pass_terms(SecondPass &sums, double y, double p, double mean_y, double mean_p, double mean_e)
{
    double dy = y - mean_y, dp = p - mean_p;
    double e = p - y;
    double de = e - mean_e;
    double de2 = de * de;
    sums.m2_y += dy * dy;
    sums.m2_p += dp * dp;
    sums.c_yp += dy * dp;
    sums.s1_e += de;
    sums.s2_e += de2;
    sums.s3_e += de2 * de;
    sums.s4_e += de2 * de2;
    double ae = std::fabs(e);
    sums.squared_error += e * e;
    double base = 1.0 - y;
    double squared = base * base;
    sums.powers[0] += ae;
    sums.powers[1] += ae * base;
    sums.powers[2] += ae * squared;
    sums.powers[3] += ae * (squared * base);
    sums.powers[4] += ae * (squared * squared);
}

[[gnu::noinline]] SecondPass
second_pass(const double *y, const double *p, size_t n, double mean_y, double mean_p, double mean_e)
{
    typedef int64_t Bits __attribute__((vector_size(16)));
    const Bits magnitude = {INT64_MAX, INT64_MAX};
    const Pair zero = {0.0, 0.0}, one = {1.0, 1.0};
    const Pair centre_y = {mean_y, mean_y}, centre_p = {mean_p, mean_p}, centre_e = {mean_e, mean_e};
    Pair m2_y = zero, m2_p = zero, c_yp = zero, s1_e = zero, s2_e = zero, s3_e = zero, s4_e = zero;
    Pair squared_error = zero, power0 = zero, power1 = zero, power2 = zero, power3 = zero, power4 = zero;
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        Pair yy = load_pair(y + i), pp = load_pair(p + i);
        Pair dy = yy - centre_y, dp = pp - centre_p;
        Pair e = pp - yy;
        Pair de = e - centre_e;
        Pair de2 = de * de;
        m2_y += dy * dy;
        m2_p += dp * dp;
        c_yp += dy * dp;
        s1_e += de;
        s2_e += de2;
        s3_e += de2 * de;
        s4_e += de2 * de2;
        Pair ae = (Pair)((Bits)e & magnitude);
        squared_error += e * e;
        Pair base = one - yy;
        Pair squared = base * base;
        power0 += ae;
        power1 += ae * base;
        power2 += ae * squared;
        power3 += ae * (squared * base);
        power4 += ae * (squared * squared);
    }
    SecondPass sums{lane_sum(m2_y), lane_sum(m2_p), lane_sum(c_yp), lane_sum(s1_e), lane_sum(s2_e),
                    lane_sum(s3_e), lane_sum(s4_e), lane_sum(squared_error),
                    {lane_sum(power0), lane_sum(power1), lane_sum(power2), lane_sum(power3), lane_sum(power4)}};
    if (i < n) {
        add_second_pass_terms(sums, y[i], p[i], mean_y, mean_p, mean_e);
    }
    return sums;
}

/// Adds the records to the cells of \a table, as range_index assigns them.
[[gnu::noinline]] void
add_to_ranges(const double *y, const double *p, size_t n, RangeSums &table)
{
    const int k = table.k;
    const double scale = double(k);
    // range_index(auc, k) without branches: int(auc * k) is the range or
    // the one next to it, and comparing with the edges corrects it. The
    // upper edge of the last range is infinite, so 1.0 stays in it.
    std::vector<double> lower(table.edges.begin(), table.edges.end() - 1);
    std::vector<double> upper(table.edges.begin() + 1, table.edges.end());
    upper.back() = std::numeric_limits<double>::infinity();
    const double *low = lower.data(), *high = upper.data();
    const size_t lane_stride = (size_t(k) + 1) * 4;
    double *sums = table.sums.data();
    for (size_t i = 0; i < n; i++) {
        double auc = y[i];
        double e = p[i] - auc;
        bool inside = auc >= 0.0 && auc <= 1.0;
        double clamped = inside ? auc : 0.0;
        int cell = int(clamped * scale);
        cell = cell < k ? cell : k - 1;
        cell += clamped >= high[cell];
        cell -= clamped < low[cell];
        cell = inside ? cell : k;
        double *sum = sums + (i & (lanes - 1)) * lane_stride + size_t(cell) * 4;
        sum[0] += 1.0;
        sum[1] += std::fabs(e);
        sum[2] += e * e;
        sum[3] += e;
    }
}

/// Counts of the sensitivity table and of the error histogram.
struct Counts {
    uint64_t true_sensitive = 0, predicted_sensitive = 0, both_sensitive = 0;
    uint64_t underflow = 0, overflow = 0;
};

/// Counts the records into \a counts and into \a histogram, which contains
/// lane_mask + 1 copies of the bins.
[[gnu::noinline]] void
count_records(const double *y, const double *p, size_t n, const PartialConfig &config,
              uint64_t *histogram, size_t lane_mask, Counts &counts)
{
    const double threshold = config.threshold;
    const double low = config.histogram_low, high = config.histogram_high;
    const size_t bins = size_t(config.histogram_bins);
    const double scale = config.histogram_bins / (high - low);
    const double top = double(config.histogram_bins);
    uint64_t true_sensitive = 0, predicted_sensitive = 0, both_sensitive = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t sensitive = y[i] < threshold, predicted = p[i] < threshold;
        true_sensitive += sensitive;
        predicted_sensitive += predicted;
        both_sensitive += sensitive & predicted;
        double e = p[i] - y[i];
        double position = (e - low) * scale;
        uint64_t *lane = histogram + (i & lane_mask) * bins;
        if (position < 0) {
            counts.underflow++;
        } else if (position >= top) {
            // The last bin is closed at the upper edge.
            if (e == high) {
                lane[bins - 1]++;
            } else {
                counts.overflow++;
            }
        } else {
            lane[size_t(position)]++;
        }
    }
    counts.true_sensitive = true_sensitive;
    counts.predicted_sensitive = predicted_sensitive;
    counts.both_sensitive = both_sensitive;
}

} // namespace internal

void
Partial::add(const double *y, const double *p, size_t n, bool counts)
{
    if (n == 0) {
        return;
    }

    // The records become a partial of their own (two passes: means, then
    // central moments), which is then merged: more accurate than updating
    // the moments one record at a time, and faster.
    Partial batch(config_);
    internal::FirstPass first = internal::first_pass(y, p, n);
    double count = double(n);
    double mean_y = first.sum_y / count, mean_p = first.sum_p / count;
    double mean_e = first.sum_e / count;

    // Deviations are taken from a first estimate of the mean error. Their
    // sum (n times delta) then corrects the mean and the central moments,
    // as accurate as a separate correction pass over the records.
    internal::SecondPass second = internal::second_pass(y, p, n, mean_y, mean_p, mean_e);
    double m2_y = second.m2_y, m2_p = second.m2_p, c_yp = second.c_yp;
    double s1_e = second.s1_e, s2_e = second.s2_e, s3_e = second.s3_e, s4_e = second.s4_e;
    double abs_sum = second.powers[0], sq_sum = second.squared_error;
    double min_y = first.min_y, max_y = first.max_y;

    // Integer exponents 0 to 4 take the sums of the second pass; others
    // need a pass of their own.
    size_t alpha_count = config_.alphas.size();
    std::vector<double> poly(alpha_count, 0.0);
    for (size_t a = 0; a < alpha_count; a++) {
        double alpha = config_.alphas[a];
        if (alpha >= 0 && alpha <= 4 && alpha == std::floor(alpha)) {
            poly[a] = second.powers[size_t(alpha)];
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            poly[a] += std::fabs(p[i] - y[i]) * internal::poly_weight(1.0 - y[i], alpha);
        }
    }

    // Range sums are plain within the batch and compensated across batches.
    // A table whose k divides the k of a larger table is derived from that
    // table after the loop. Edge i/k of the smaller table and edge
    // (i m)/(k m) of the larger are the same double, so each cell of the
    // smaller table is a union of cells of the larger.
    size_t range_count = config_.ranges.size();
    std::vector<internal::RangeSums> ranges;
    std::vector<size_t> source(range_count);
    for (size_t r = 0; r < range_count; r++) {
        ranges.emplace_back(config_.ranges[r]);
        source[r] = r;
        for (size_t other = 0; other < range_count; other++) {
            int k = config_.ranges[other];
            if (k > config_.ranges[source[r]] && k % config_.ranges[r] == 0) {
                source[r] = other;
            }
        }
    }
    for (size_t r = 0; r < range_count; r++) {
        if (source[r] == r) {
            internal::add_to_ranges(y, p, n, ranges[r]);
        }
    }

    const size_t lanes = internal::lanes;
    size_t bins = size_t(config_.histogram_bins);
    size_t histogram_lanes = bins <= 4096 ? lanes : 1;
    std::vector<uint64_t> histogram(histogram_lanes * bins, 0);
    internal::Counts tallies;
    uint64_t tp = 0, fp = 0, fn = 0, tn = 0;
    if (counts) {
        internal::count_records(y, p, n, config_, histogram.data(), histogram_lanes - 1, tallies);
        tp = tallies.both_sensitive;
        fp = tallies.predicted_sensitive - tallies.both_sensitive;
        fn = tallies.true_sensitive - tallies.both_sensitive;
        tn = uint64_t(n) - tp - fp - fn;
    }
    uint64_t underflow = tallies.underflow, overflow = tallies.overflow;
    batch.counted_ = counts;

    double delta = s1_e / count;
    double m2_e = std::max(0.0, s2_e - count * delta * delta);
    double m3_e = s3_e - 3.0 * delta * s2_e + 2.0 * count * delta * delta * delta;
    double m4_e = s4_e - 4.0 * delta * s3_e + 6.0 * delta * delta * s2_e - 3.0 * count * delta * delta * delta * delta;
    mean_e += delta;

    batch.true_positive_ = tp;
    batch.false_positive_ = fp;
    batch.false_negative_ = fn;
    batch.true_negative_ = tn;
    batch.underflow_ = underflow;
    batch.overflow_ = overflow;
    for (size_t b = 0; b < bins; b++) {
        for (size_t lane = 0; lane < histogram_lanes; lane++) {
            batch.histogram_[b] += histogram[lane * bins + b];
        }
    }
    for (size_t r = 0; r < range_count; r++) {
        const internal::RangeSums &table = ranges[source[r]];
        size_t k = size_t(config_.ranges[r]);
        size_t source_k = size_t(table.k);
        size_t factor = source_k / k;
        for (size_t cell = 0; cell <= k; cell++) {
            // Cell k (outside [0, 1]) is the source's cell source_k.
            size_t first = cell == k ? source_k : cell * factor;
            size_t last = cell == k ? source_k + 1 : first + factor;
            double totals[4] = {0.0, 0.0, 0.0, 0.0};
            for (size_t lane = 0; lane < lanes; lane++) {
                for (size_t from = first; from < last; from++) {
                    for (size_t stat = 0; stat < 4; stat++) {
                        totals[stat] += table.sums[(lane * (source_k + 1) + from) * 4 + stat];
                    }
                }
            }
            RangeCell &target = cell == k ? batch.outside_[r] : batch.ranges_[r][cell];
            target.n = uint64_t(totals[0]);
            target.abs_error.add(totals[1]);
            target.squared_error.add(totals[2]);
            target.error.add(totals[3]);
        }
    }

    batch.n_ = n;
    batch.mean_y_ = mean_y;
    batch.mean_p_ = mean_p;
    batch.mean_e_ = mean_e;
    batch.m2_y_ = m2_y;
    batch.m2_p_ = m2_p;
    batch.c_yp_ = c_yp;
    batch.m2_e_ = m2_e;
    batch.m3_e_ = m3_e;
    batch.m4_e_ = m4_e;
    batch.min_y_ = min_y;
    batch.max_y_ = max_y;
    batch.abs_error_.add(abs_sum);
    batch.squared_error_.add(sq_sum);
    for (size_t a = 0; a < alpha_count; a++) {
        batch.poly_[a].add(poly[a]);
    }
    merge(batch);
}

void
Partial::merge(const Partial &other)
{
    if (!(config_ == other.config_)) {
        throw Error({"HED", "PARTIAL", "MISMATCH"},
                    "cannot merge partials computed with different options (alphas, ranges, threshold, beta or histogram)");
    }
    if (other.n_ == 0) {
        return;
    }
    if (n_ == 0) {
        *this = other;
        return;
    }
    counted_ = counted_ && other.counted_;

    // Pebay (2008), "Formulas for robust, one-pass parallel computation of
    // covariances and arbitrary-order statistical moments", equations 2.1-2.3.
    double na = double(n_), nb = double(other.n_), n = na + nb;
    double dy = other.mean_y_ - mean_y_;
    double dp = other.mean_p_ - mean_p_;
    double de = other.mean_e_ - mean_e_;
    double de2 = de * de;
    double m2a = m2_e_, m2b = other.m2_e_, m3a = m3_e_, m3b = other.m3_e_;

    m4_e_ = m4_e_ + other.m4_e_ + de2 * de2 * na * nb * (na * na - na * nb + nb * nb) / (n * n * n)
        + 6.0 * de2 * (na * na * m2b + nb * nb * m2a) / (n * n) + 4.0 * de * (na * m3b - nb * m3a) / n;
    m3_e_ = m3a + m3b + de2 * de * na * nb * (na - nb) / (n * n) + 3.0 * de * (na * m2b - nb * m2a) / n;
    m2_e_ = m2a + m2b + de2 * na * nb / n;
    m2_y_ += other.m2_y_ + dy * dy * na * nb / n;
    m2_p_ += other.m2_p_ + dp * dp * na * nb / n;
    c_yp_ += other.c_yp_ + dy * dp * na * nb / n;
    mean_y_ += dy * nb / n;
    mean_p_ += dp * nb / n;
    mean_e_ += de * nb / n;
    min_y_ = std::min(min_y_, other.min_y_);
    max_y_ = std::max(max_y_, other.max_y_);
    n_ += other.n_;

    abs_error_.merge(other.abs_error_);
    squared_error_.merge(other.squared_error_);
    for (size_t a = 0; a < poly_.size(); a++) {
        poly_[a].merge(other.poly_[a]);
    }
    for (size_t r = 0; r < ranges_.size(); r++) {
        for (size_t b = 0; b < ranges_[r].size(); b++) {
            ranges_[r][b].merge(other.ranges_[r][b]);
        }
        outside_[r].merge(other.outside_[r]);
    }
    true_positive_ += other.true_positive_;
    false_positive_ += other.false_positive_;
    false_negative_ += other.false_negative_;
    true_negative_ += other.true_negative_;
    for (size_t b = 0; b < histogram_.size(); b++) {
        histogram_[b] += other.histogram_[b];
    }
    underflow_ += other.underflow_;
    overflow_ += other.overflow_;
}

double
Partial::mse() const
{
    return n_ > 0 ? squared_error_.value() / double(n_) : nan();
}

double
Partial::rmse() const
{
    return std::sqrt(mse());
}

double
Partial::mae() const
{
    return n_ > 0 ? abs_error_.value() / double(n_) : nan();
}

double
Partial::sd_error() const
{
    return n_ > 1 ? std::sqrt(m2_e_ / double(n_ - 1)) : nan();
}

double
Partial::pcc() const
{
    if (n_ < 2 || m2_y_ <= 0 || m2_p_ <= 0) {
        return nan();
    }
    double r = c_yp_ / std::sqrt(m2_y_ * m2_p_);
    return std::max(-1.0, std::min(1.0, r));
}

double
Partial::r2() const
{
    if (n_ == 0 || min_y_ == max_y_) {
        return nan();
    }
    return 1.0 - squared_error_.value() / m2_y_;
}

double
Partial::mae_poly(size_t alpha_index) const
{
    return n_ > 0 ? poly_[alpha_index].value() / double(n_) : nan();
}

double
Partial::skewness() const
{
    double n = double(n_);
    if (n_ < 1 || !(m2_e_ > 0)) {
        return nan();
    }
    double m2 = m2_e_ / n, m3 = m3_e_ / n;
    if (variance_at_rounding_level(m2)) {
        return nan();
    }
    double g1 = m3 / std::pow(m2, 1.5);
    // Like scipy.stats.skew(bias=False): the sample correction needs three
    // records, and with fewer the uncorrected value is returned.
    if (n_ < 3) {
        return g1;
    }
    return g1 * std::sqrt(n * (n - 1)) / (n - 2);
}

double
Partial::excess_kurtosis() const
{
    double n = double(n_);
    if (n_ < 1 || !(m2_e_ > 0)) {
        return nan();
    }
    double m2 = m2_e_ / n, m4 = m4_e_ / n;
    if (variance_at_rounding_level(m2)) {
        return nan();
    }
    double g2 = m4 / (m2 * m2) - 3.0;
    // Like scipy.stats.kurtosis(bias=False): the correction needs four
    // records, and with fewer the uncorrected value is returned.
    if (n_ < 4) {
        return g2;
    }
    return ((n + 1) * g2 + 6.0) * (n - 1) / ((n - 2) * (n - 3));
}

/// \returns true when the variance \a m2 is at rounding level for the mean,
/// which scipy (1.10) treats as zero: m2 <= (1e-15 * mean)^2, 1e-15 being
/// numpy's float64 resolution.
bool
Partial::variance_at_rounding_level(double m2) const
{
    return m2 <= std::pow(1e-15 * mean_e_, 2);
}

/// \returns \a alpha as a dict key: "2" for 2.0, "0.5" for 0.5.
static std::string
alpha_key(double alpha)
{
    if (alpha == std::floor(alpha) && std::fabs(alpha) < 1e15) {
        return std::to_string(int64_t(alpha));
    }
    return format_real(alpha);
}

Value
Partial::mae_poly_value() const
{
    Value poly = Value::dict();
    for (size_t a = 0; a < config_.alphas.size(); a++) {
        poly.set(alpha_key(config_.alphas[a]), Value::real(mae_poly(a)));
    }
    return poly;
}

Value
Partial::sensitivity() const
{
    if (!counted_) {
        return Value();
    }
    Value out = Value::dict();
    double tp = double(true_positive_), fp = double(false_positive_), fn = double(false_negative_);
    double precision = tp + fp > 0 ? tp / (tp + fp) : nan();
    double recall = tp + fn > 0 ? tp / (tp + fn) : nan();
    double b2 = config_.beta * config_.beta;
    double fbeta = (1 + b2) * tp + b2 * fn + fp > 0 ? (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp) : nan();
    out.set("threshold", Value::real(config_.threshold));
    out.set("beta", Value::real(config_.beta));
    out.set("true_positive", Value::integer(int64_t(true_positive_)));
    out.set("false_positive", Value::integer(int64_t(false_positive_)));
    out.set("false_negative", Value::integer(int64_t(false_negative_)));
    out.set("true_negative", Value::integer(int64_t(true_negative_)));
    out.set("precision", Value::real(precision));
    out.set("recall", Value::real(recall));
    out.set("fbeta", Value::real(fbeta));
    return out;
}

Value
Partial::histogram() const
{
    if (!counted_) {
        return Value();
    }
    Value out = Value::dict();
    out.set("lo", Value::real(config_.histogram_low));
    out.set("hi", Value::real(config_.histogram_high));
    Value counts = Value::list();
    for (uint64_t count : histogram_) {
        counts.push(Value::integer(int64_t(count)));
    }
    out.set("counts", std::move(counts));
    out.set("underflow", Value::integer(int64_t(underflow_)));
    out.set("overflow", Value::integer(int64_t(overflow_)));
    return out;
}

Value
Partial::result() const
{
    Value out = Value::dict();
    out.set("n", Value::integer(int64_t(n_)));
    out.set("mse", Value::real(mse()));
    out.set("rmse", Value::real(rmse()));
    out.set("mae", Value::real(mae()));
    out.set("pcc", Value::real(pcc()));
    out.set("r2", Value::real(r2()));
    out.set("mean_error", Value::real(mean_error()));
    out.set("sd_error", Value::real(sd_error()));
    out.set("mae_poly", mae_poly_value());
    for (size_t r = 0; r < config_.ranges.size(); r++) {
        int k = config_.ranges[r];
        Value table = Value::dict();
        Value bins = Value::list();
        for (int b = 0; b < k; b++) {
            bins.push(ranges_[r][size_t(b)].value(range_edge(b, k), range_edge(b + 1, k)));
        }
        table.set("bins", std::move(bins));
        table.set("out_of_range", outside_[r].value(nan(), nan()));
        out.set("ranges" + std::to_string(k), std::move(table));
    }
    out.set("skewness", Value::real(skewness()));
    out.set("excess_kurtosis", Value::real(excess_kurtosis()));
    out.set("sensitivity", sensitivity());
    out.set("histogram", histogram());
    return out;
}

namespace internal {

void
write_real(std::string &out, double x)
{
    char text[40];
    std::snprintf(text, sizeof text, " %a", x);
    out += text;
}

void
write_sum(std::string &out, const CompensatedSum &sum)
{
    write_real(out, sum.sum);
    write_real(out, sum.compensation);
}

void
write_cell(std::string &out, const RangeCell &cell)
{
    out += ' ' + std::to_string(cell.n);
    write_sum(out, cell.abs_error);
    write_sum(out, cell.squared_error);
    write_sum(out, cell.error);
}

/// Reads the tokens of a serialized partial in order.
class TokenReader {
public:
    explicit TokenReader(const std::string &text) : words_(split_words(text)) {}

    const std::string &word()
    {
        if (index_ >= words_.size()) {
            fail("it ends early");
        }
        return words_[index_++];
    }
    double real()
    {
        const std::string &text = word();
        char *end;
        double x = std::strtod(text.c_str(), &end);
        if (*end != '\0' || text.empty()) {
            fail("\"" + text + "\" is not a number");
        }
        return x;
    }
    uint64_t count()
    {
        const std::string &text = word();
        char *end;
        unsigned long long x = std::strtoull(text.c_str(), &end, 10);
        if (*end != '\0' || text.empty() || text[0] == '-') {
            fail("\"" + text + "\" is not a count");
        }
        return x;
    }
    void sum(CompensatedSum &out)
    {
        out.sum = real();
        out.compensation = real();
    }
    void cell(RangeCell &out)
    {
        out.n = count();
        sum(out.abs_error);
        sum(out.squared_error);
        sum(out.error);
    }
    bool done() const { return index_ == words_.size(); }
    [[noreturn]] void fail(const std::string &reason)
    {
        throw Error({"HED", "PARTIAL", "PARSE"},
                    "invalid partial statistics text: " + reason + "; pass the text that hed::partial_* returned");
    }

private:
    std::vector<std::string> words_;
    size_t index_ = 0;
};

} // namespace internal

std::string
Partial::serialize() const
{
    using namespace internal;
    if (!counted_) {
        throw Error({"HED", "PARTIAL", "INCOMPLETE"},
                    "cannot serialize a partial whose records were added without sensitivity counts and "
                    "histogram: add them with counts to merge the partial elsewhere");
    }
    std::string out = "hed-partial 1 " + std::to_string(config_.alphas.size());
    for (double alpha : config_.alphas) {
        write_real(out, alpha);
    }
    out += ' ' + std::to_string(config_.ranges.size());
    for (int k : config_.ranges) {
        out += ' ' + std::to_string(k);
    }
    write_real(out, config_.threshold);
    write_real(out, config_.beta);
    write_real(out, config_.histogram_low);
    write_real(out, config_.histogram_high);
    out += ' ' + std::to_string(config_.histogram_bins);

    out += ' ' + std::to_string(n_);
    for (double x : {mean_y_, mean_p_, mean_e_, m2_y_, m2_p_, c_yp_, m2_e_, m3_e_, m4_e_, min_y_, max_y_}) {
        write_real(out, x);
    }
    write_sum(out, abs_error_);
    write_sum(out, squared_error_);
    for (const CompensatedSum &sum : poly_) {
        write_sum(out, sum);
    }
    for (size_t r = 0; r < ranges_.size(); r++) {
        for (const RangeCell &cell : ranges_[r]) {
            write_cell(out, cell);
        }
        write_cell(out, outside_[r]);
    }
    for (uint64_t x : {true_positive_, false_positive_, false_negative_, true_negative_, underflow_, overflow_}) {
        out += ' ' + std::to_string(x);
    }
    for (uint64_t count : histogram_) {
        out += ' ' + std::to_string(count);
    }
    return out;
}

Partial
Partial::parse(const std::string &text)
{
    internal::TokenReader in(text);
    if (in.word() != "hed-partial" || in.word() != "1") {
        in.fail("it does not start with \"hed-partial 1\"");
    }
    PartialConfig config;
    uint64_t alpha_count = in.count();
    if (alpha_count > 1000) {
        in.fail("too many alphas");
    }
    config.alphas.clear();
    for (uint64_t a = 0; a < alpha_count; a++) {
        config.alphas.push_back(in.real());
    }
    uint64_t range_count = in.count();
    if (range_count > 1000) {
        in.fail("too many range tables");
    }
    config.ranges.clear();
    for (uint64_t r = 0; r < range_count; r++) {
        uint64_t k = in.count();
        if (k < 1 || k > 100000) {
            in.fail("invalid range count " + std::to_string(k));
        }
        config.ranges.push_back(int(k));
    }
    config.threshold = in.real();
    config.beta = in.real();
    config.histogram_low = in.real();
    config.histogram_high = in.real();
    uint64_t bins = in.count();
    if (bins < 1 || bins > 1000000) {
        in.fail("invalid histogram bin count");
    }
    config.histogram_bins = int(bins);

    Partial partial(config);
    partial.n_ = in.count();
    for (double *x : {&partial.mean_y_, &partial.mean_p_, &partial.mean_e_, &partial.m2_y_,
                      &partial.m2_p_, &partial.c_yp_, &partial.m2_e_, &partial.m3_e_,
                      &partial.m4_e_, &partial.min_y_, &partial.max_y_}) {
        *x = in.real();
    }
    in.sum(partial.abs_error_);
    in.sum(partial.squared_error_);
    for (CompensatedSum &sum : partial.poly_) {
        in.sum(sum);
    }
    for (size_t r = 0; r < partial.ranges_.size(); r++) {
        for (RangeCell &cell : partial.ranges_[r]) {
            in.cell(cell);
        }
        in.cell(partial.outside_[r]);
    }
    for (uint64_t *x : {&partial.true_positive_, &partial.false_positive_, &partial.false_negative_,
                        &partial.true_negative_, &partial.underflow_, &partial.overflow_}) {
        *x = in.count();
    }
    for (uint64_t &count : partial.histogram_) {
        count = in.count();
    }
    if (!in.done()) {
        in.fail("it has extra words at the end");
    }
    return partial;
}

} // namespace hed
