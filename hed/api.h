// api.h -- the functions of the hed package that Tcl sees.
//
// Each function takes plain values (strings, lists of strings or numbers)
// and returns a string or a hed::Value, so that hed.i only converts types.
// Options are "-name value" lists; every function raises hed::Error.
#ifndef HEDFLOW_HED_API_H
#define HEDFLOW_HED_API_H

#include <string>
#include <vector>

#include "value.h"

namespace hed {

typedef std::vector<std::string> StringList;
typedef std::vector<double> RealList;

/// Per-file statistics in the reference layout (see metrics.h).
Value metrics(const std::string &path, const StringList &options = StringList());
/// \returns {line TEXT skipped N examples LIST}, TEXT being the JSON object
/// or the CSV row of \a path when \a format is json or csv.
Value metrics_line(const std::string &path, const std::string &format, const StringList &options = StringList());
std::string metrics_csv_header(const StringList &options = StringList());

/// Partial statistics of a file, or of the values given, as text.
std::string partial_file(const std::string &path, const StringList &options = StringList());
std::string partial_values(const RealList &auc_true, const RealList &auc_pred, const StringList &options = StringList());
/// Merges serialized partials, in the order given.
std::string partial_merge(const StringList &partials);
/// \returns every statistic of a serialized partial.
Value partial_result(const std::string &partial);

} // namespace hed

#endif
