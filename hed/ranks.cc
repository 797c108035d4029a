// ranks.cc -- ranks with ties averaged, and Spearman's correlation.
#include "ranks.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace hed {

namespace internal {

/// \returns a key whose unsigned order is the numeric order of \a x.
inline uint64_t
order_key(double x)
{
    if (x == 0.0) {
        x = 0.0;  // -0.0 and 0.0 tie
    }
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    return (bits & 0x8000000000000000ULL) ? ~bits : bits | 0x8000000000000000ULL;
}

/// Sorts \a order (indices) by \a keys with a least-significant-digit
/// radix sort in 11-bit digits, skipping digits that all keys share.
void
radix_sort(std::vector<uint64_t> &keys, std::vector<uint32_t> &order)
{
    const int digit_bits = 11, digits = 6;
    const size_t buckets = size_t(1) << digit_bits;
    size_t n = keys.size();
    std::vector<uint32_t> counts(buckets * digits, 0);
    for (uint64_t key : keys) {
        for (int d = 0; d < digits; d++) {
            counts[size_t(d) * buckets + ((key >> (d * digit_bits)) & (buckets - 1))]++;
        }
    }
    std::vector<uint64_t> keys_out(n);
    std::vector<uint32_t> order_out(n);
    for (int d = 0; d < digits; d++) {
        uint32_t *count = counts.data() + size_t(d) * buckets;
        size_t first = (keys[0] >> (d * digit_bits)) & (buckets - 1);
        if (count[first] == n) {
            continue;
        }
        uint32_t offset = 0;
        for (size_t b = 0; b < buckets; b++) {
            uint32_t c = count[b];
            count[b] = offset;
            offset += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t bucket = (keys[i] >> (d * digit_bits)) & (buckets - 1);
            uint32_t target = count[bucket]++;
            keys_out[target] = keys[i];
            order_out[target] = order[i];
        }
        keys.swap(keys_out);
        order.swap(order_out);
    }
}

/// Stores in \a twice the ranks of \a x times two, which are integers
/// (a tie over ranks a+1 .. b has the mean (a + 1 + b) / 2).
void
twice_ranks(const double *x, size_t n, std::vector<uint32_t> &twice)
{
    twice.resize(n);
    if (n == 0) {
        return;
    }
    std::vector<uint64_t> keys(n);
    std::vector<uint32_t> order(n);
    for (size_t i = 0; i < n; i++) {
        keys[i] = order_key(x[i]);
        order[i] = uint32_t(i);
    }
    if (n >= 256) {
        radix_sort(keys, order);
    } else {
        std::vector<std::pair<uint64_t, uint32_t>> pairs(n);
        for (size_t i = 0; i < n; i++) {
            pairs[i] = {keys[i], order[i]};
        }
        std::sort(pairs.begin(), pairs.end());
        for (size_t i = 0; i < n; i++) {
            keys[i] = pairs[i].first;
            order[i] = pairs[i].second;
        }
    }
    size_t start = 0;
    while (start < n) {
        size_t stop = start + 1;
        while (stop < n && keys[stop] == keys[start]) {
            stop++;
        }
        uint32_t rank = uint32_t(start + 1 + stop);
        for (size_t i = start; i < stop; i++) {
            twice[order[i]] = rank;
        }
        start = stop;
    }
}

/// The values of a column as short decimals m / 10^d with one scale d for
/// the whole column. When every value is the double nearest to such a
/// decimal, the order of the doubles is the order of the integers m, so
/// the column ranks by counting, in time linear in n plus the span of m.
/// Keys are computed again when needed instead of being stored.
struct DecimalColumn {
    double scale = 0.0;            ///< 10^d
    int64_t low = 0;               ///< the lowest m
    double bias = 0.0;             ///< low - 0.5
    std::vector<uint32_t> counts;  ///< values per key m - low
    std::vector<uint32_t> twice;   ///< twice the average rank, per key

    bool build(const double *x, size_t n, int decimals);

    /// \returns m - low for a value of the column. x * scale is within
    /// 2^-20 of m, so x * scale - (low - 0.5) is within 2^-19 of
    /// m - low + 0.5 (rounding included), and truncating it gives m - low.
    uint32_t key(double x) const { return uint32_t(x * scale - bias); }

    /// \returns twice the average rank of a value of the column.
    uint32_t twice_rank(double x) const { return twice[key(x)]; }

private:
    bool count(const double *x, size_t n, int64_t high);
};

/// \returns whether \a x is the double nearest to m / 10^d for the m
/// stored in \a m; |m| < 2^31 keeps distinct decimals distinct doubles.
inline bool
decimal_key(double x, double scale, int64_t &m)
{
    double scaled = x * scale;
    if (!(std::fabs(scaled) < 2147483647.0)) {
        return false;
    }
    m = int64_t(scaled + (scaled < 0 ? -0.5 : 0.5));
    return double(m) / scale == x;
}

/// Stores the smallest and the largest of the \a n > 0 values of \a x.
/// Four pairs of running extremes, two values to a vector, let the
/// comparisons of consecutive values run in parallel instead of waiting
/// for one another.
void
min_max(const double *x, size_t n, double &lowest, double &highest)
{
    typedef double Pair __attribute__((vector_size(16)));
    Pair low[4], high[4];
    for (size_t lane = 0; lane < 4; lane++) {
        low[lane] = high[lane] = Pair{x[0], x[0]};
    }
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (size_t lane = 0; lane < 4; lane++) {
            Pair pair;
            std::memcpy(&pair, x + i + 2 * lane, sizeof pair);
            low[lane] = pair < low[lane] ? pair : low[lane];
            high[lane] = pair > high[lane] ? pair : high[lane];
        }
    }
    lowest = x[0];
    highest = x[0];
    for (size_t lane = 0; lane < 4; lane++) {
        lowest = std::min({lowest, low[lane][0], low[lane][1]});
        highest = std::max({highest, high[lane][0], high[lane][1]});
    }
    for (; i < n; i++) {
        lowest = std::min(lowest, x[i]);
        highest = std::max(highest, x[i]);
    }
}

/// Builds the counts of \a x. With \a decimals in 0 .. 6 the values are
/// known to be decimals with at most that many fraction digits: x * 10^d
/// is then within 2^31 * 2^-52 of m, and rounding it gives m exactly. With
/// -1 a scale is looked for and every value is checked. \returns false
/// when the column does not fit: not decimals, |m| >= 2^31, or a span of
/// keys much larger than n.
bool
DecimalColumn::build(const double *x, size_t n, int decimals)
{
    static const double scales[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
    const int max_decimals = 6;
    if (decimals >= 0 && decimals <= max_decimals) {
        scale = scales[decimals];
        double lowest, highest;
        min_max(x, n, lowest, highest);
        int64_t high;
        if (!decimal_key(lowest, scale, low) || !decimal_key(highest, scale, high)) {
            return false;
        }
        return count(x, n, high);
    }

    // The scale is the smallest that fits the first values; a value later
    // that does not fit sends the column to the general sort.
    size_t probe = std::min<size_t>(n, 64);
    for (double candidate : scales) {
        bool fits = true;
        int64_t m;
        for (size_t i = 0; i < probe && fits; i++) {
            fits = decimal_key(x[i], candidate, m);
        }
        if (fits) {
            scale = candidate;
            break;
        }
    }
    if (scale == 0.0) {
        return false;
    }
    int64_t high = INT64_MIN;
    low = INT64_MAX;
    for (size_t i = 0; i < n; i++) {
        int64_t m;
        if (!decimal_key(x[i], scale, m)) {
            return false;
        }
        low = std::min(low, m);
        high = std::max(high, m);
    }
    return count(x, n, high);
}

/// Counts the values per key and turns the counts into ranks, once low
/// and \a high (the highest m) are known.
bool
DecimalColumn::count(const double *x, size_t n, int64_t high)
{
    uint64_t span = uint64_t(high - low) + 1;
    if (span > 4 * uint64_t(n) + 4096) {
        return false;
    }
    bias = double(low) - 0.5;
    counts.assign(size_t(span), 0);
    for (size_t i = 0; i < n; i++) {
        counts[key(x[i])]++;
    }
    twice.resize(size_t(span));
    uint32_t below = 0;
    for (size_t k = 0; k < span; k++) {
        twice[k] = 2 * below + counts[k] + 1;
        below += counts[k];
    }
    return true;
}

using Wide = __int128;

/// \returns the sum over records of (rank_x(i) - centre) (rank_y(i) - centre)
/// for twice the ranks, exactly: each product is at most n^2 in magnitude,
/// so int64 blocks of 2^60 / n^2 terms cannot overflow.
template <typename RankX, typename RankY>
Wide
sum_products(size_t n, RankX rank_x, RankY rank_y)
{
    const int64_t centre = int64_t(n) + 1;
    size_t block = std::max<size_t>(1, size_t((uint64_t(1) << 60) / (uint64_t(n) * uint64_t(n))));
    Wide total = 0;
    for (size_t begin = 0; begin < n; begin += block) {
        size_t end = std::min(n, begin + block);
        int64_t part = 0;
        for (size_t i = begin; i < end; i++) {
            part += (int64_t(rank_x(i)) - centre) * (int64_t(rank_y(i)) - centre);
        }
        total += part;
    }
    return total;
}

/// The twice-ranks of one column: counted when its values are short
/// decimals, else sorted and stored per record.
struct ColumnRanks {
    DecimalColumn decimal;
    std::vector<uint32_t> twice;   ///< per record, when not decimal
    bool counted = false;
    Wide squares = 0;              ///< the sum of (twice rank - centre)^2

    void build(const double *x, size_t n, int decimals)
    {
        const int64_t centre = int64_t(n) + 1;
        counted = decimal.build(x, n, decimals);
        if (counted) {
            for (size_t k = 0; k < decimal.counts.size(); k++) {
                int64_t d = int64_t(decimal.twice[k]) - centre;
                squares += Wide(decimal.counts[k]) * Wide(d * d);
            }
            return;
        }
        twice_ranks(x, n, twice);
        const uint32_t *values = twice.data();
        squares = sum_products(n, [values](size_t i) { return values[i]; },
                               [values](size_t i) { return values[i]; });
    }
};

} // namespace internal

std::vector<double>
average_ranks(const double *x, size_t n)
{
    std::vector<uint32_t> twice;
    internal::twice_ranks(x, n, twice);
    std::vector<double> ranks(n);
    for (size_t i = 0; i < n; i++) {
        ranks[i] = 0.5 * double(twice[i]);
    }
    return ranks;
}

double
pearson(const double *x, const double *y, size_t n)
{
    if (n < 2) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    double mean_x = 0, mean_y = 0;
    for (size_t i = 0; i < n; i++) {
        mean_x += x[i];
        mean_y += y[i];
    }
    mean_x /= double(n);
    mean_y /= double(n);
    double sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - mean_x, dy = y[i] - mean_y;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    if (!(sxx > 0) || !(syy > 0)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    return std::max(-1.0, std::min(1.0, sxy / std::sqrt(sxx * syy)));
}

double
spearman(const double *x, const double *y, size_t n)
{
    return spearman(x, y, n, -1, -1);
}

double
spearman(const double *x, const double *y, size_t n, int decimals_x, int decimals_y)
{
    if (n < 2 || n >= (size_t(1) << 31)) {
        if (n < 2) {
            return std::numeric_limits<double>::quiet_NaN();
        }
        std::vector<double> rank_x = average_ranks(x, n);
        std::vector<double> rank_y = average_ranks(y, n);
        return pearson(rank_x.data(), rank_y.data(), n);
    }

    // Pearson's correlation of twice the ranks, centred on their mean n + 1:
    // the terms are integers and their sums are exact, so the result does
    // not depend on the order of the records.
    internal::ColumnRanks ranks_x, ranks_y;
    ranks_x.build(x, n, decimals_x);
    ranks_y.build(y, n, decimals_y);
    const internal::DecimalColumn &decimal_x = ranks_x.decimal, &decimal_y = ranks_y.decimal;
    const uint32_t *stored_x = ranks_x.twice.data(), *stored_y = ranks_y.twice.data();
    auto counted_x = [&decimal_x, x](size_t i) { return decimal_x.twice_rank(x[i]); };
    auto counted_y = [&decimal_y, y](size_t i) { return decimal_y.twice_rank(y[i]); };
    auto sorted_x = [stored_x](size_t i) { return stored_x[i]; };
    auto sorted_y = [stored_y](size_t i) { return stored_y[i]; };
    internal::Wide sxy;
    if (ranks_x.counted && ranks_y.counted) {
        sxy = internal::sum_products(n, counted_x, counted_y);
    } else if (ranks_x.counted) {
        sxy = internal::sum_products(n, counted_x, sorted_y);
    } else if (ranks_y.counted) {
        sxy = internal::sum_products(n, sorted_x, counted_y);
    } else {
        sxy = internal::sum_products(n, sorted_x, sorted_y);
    }
    internal::Wide sxx = ranks_x.squares, syy = ranks_y.squares;
    if (sxx <= 0 || syy <= 0) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    double r = double(sxy) / std::sqrt(double(sxx) * double(syy));
    return std::max(-1.0, std::min(1.0, r));
}

void
StreamingSpearman::count(const double *x, const double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rank_x_[x[i] == 0.0 ? 0.0 : x[i]] += 1.0;
        rank_y_[y[i] == 0.0 ? 0.0 : y[i]] += 1.0;
    }
    n_ += n;
}

double
StreamingSpearman::assign_ranks(std::unordered_map<double, double> &table)
{
    std::vector<std::pair<double, double>> values(table.begin(), table.end());
    std::sort(values.begin(), values.end());
    double below = 0.0, ties = 0.0;
    for (const auto &value : values) {
        ties += value.second * value.second * value.second - value.second;
        // A value seen c times after `below` smaller ones has ranks
        // below+1 .. below+c, whose mean is below + (c + 1) / 2.
        table[value.first] = below + 0.5 * (value.second + 1.0);
        below += value.second;
    }
    return ties;
}

void
StreamingSpearman::rank()
{
    ties_x_ = assign_ranks(rank_x_);
    ties_y_ = assign_ranks(rank_y_);
}

void
StreamingSpearman::accumulate(const double *x, const double *y, size_t n)
{
    // Products of centred ranks, summed with compensation.
    double mean = 0.5 * (double(n_) + 1.0);
    for (size_t i = 0; i < n; i++) {
        double term = (rank_x_.at(x[i] == 0.0 ? 0.0 : x[i]) - mean)
            * (rank_y_.at(y[i] == 0.0 ? 0.0 : y[i]) - mean);
        double total = sum_xy_ + term;
        compensation_ += std::fabs(sum_xy_) >= std::fabs(term) ? (sum_xy_ - total) + term
                                                                : (term - total) + sum_xy_;
        sum_xy_ = total;
    }
}

double
StreamingSpearman::result() const
{
    // The sum of squared centred ranks follows from the tie counts: with no
    // ties it is n(n^2 - 1)/12, and each group of t ties removes (t^3 - t)/12.
    double n = double(n_);
    double base = n * (n * n - 1.0) / 12.0;
    double sxx = base - ties_x_ / 12.0, syy = base - ties_y_ / 12.0;
    if (n_ < 2 || !(sxx > 0) || !(syy > 0)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    double r = (sum_xy_ + compensation_) / std::sqrt(sxx * syy);
    return std::max(-1.0, std::min(1.0, r));
}

} // namespace hed
