// ranges.h -- AUC ranges: equal-width bins over [0, 1].
#ifndef HEDFLOW_HED_RANGES_H
#define HEDFLOW_HED_RANGES_H

namespace hed {

/// \returns the lower edge of range \a i of \a k: the double nearest i/k.
inline double
range_edge(int i, int k)
{
    return double(i) / double(k);
}

/// \returns the range of \a auc among \a k equal-width ranges over [0, 1],
/// or -1 when \a auc is outside [0, 1]. Range i is [i/k, (i+1)/k) and the
/// last one also holds 1.0.
///
/// The edges are the doubles nearest to i/k, so a value written as 0.3 in
/// a file, which reads as the double nearest 3/10, lands in [0.3, 0.4):
/// values are binned by their decimal value, not by floor(auc * k), which
/// puts some of them one range too low.
inline int
range_index(double auc, int k)
{
    if (!(auc >= 0.0 && auc <= 1.0)) {
        return -1;
    }
    int i = int(auc * k);
    if (i >= k) {
        i = k - 1;
    }
    // auc * k is within one rounding of the true product, so i is off by
    // at most one; compare with the edges to correct it.
    if (i + 1 < k && auc >= range_edge(i + 1, k)) {
        i++;
    } else if (i > 0 && auc < range_edge(i, k)) {
        i--;
    }
    return i;
}

} // namespace hed

#endif
