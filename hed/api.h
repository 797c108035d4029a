// api.h -- the functions of the hed package that Tcl calls.
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
namespace api {

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

/// Statistics of records held in memory (all files of \a paths together).
Value group_stats(const StringList &paths, const std::string &by, const StringList &options = StringList());
RealList error_zscores(const StringList &paths, bool within_drug, const StringList &options = StringList());
Value standardized_scores(const StringList &names, const RealList &values, int top, double threshold);
Value cell_ranking(const StringList &paths, int k, const StringList &options = StringList());

/// The distribution of values (see distribution.h).
RealList quantiles(const RealList &values, const RealList &probabilities);
Value histogram(const RealList &values, double low, double high, int bins);
Value normality_test(const RealList &values);
Value qq_points(const RealList &values);
/// \returns a flat list {mean_error rmse mean_error rmse ...}.
RealList bootstrap_replicates(const RealList &auc_true, const RealList &auc_pred, long long seed,
                              long long first, long long count);
/// Takes the flat list of bootstrap_replicates, from any number of calls.
Value bootstrap_interval(const RealList &replicates, double level);

/// Tables of an analysis of \a paths or a CSA of \a root, as
/// {NAME {columns LIST rows LIST} ...}.
Value analysis(const StringList &paths, const StringList &options = StringList());
Value csa(const std::string &root, const StringList &options = StringList());
/// \returns {SOURCE TARGET} for each SOURCE-TARGET folder name (see study_pairs.h).
Value study_pairs(const StringList &folders);
/// Writes the tables, CSV copies and plots into \a folder (see report.h).
Value write_analysis(const StringList &paths, const std::string &folder, const StringList &options = StringList());
Value write_csa(const std::string &root, const std::string &folder, const StringList &options = StringList());

/// HDF5 files: records written for input, tables and attributes read back.
void write_records(const std::string &hdf5_path, const StringList &paths, const StringList &options = StringList());
Value read_table(const std::string &hdf5_path, const std::string &name);
StringList list_tables(const std::string &hdf5_path);
Value hdf5_attributes(const std::string &hdf5_path);
bool gnuplot_available();

/// The statistics of one file (as metrics) and its partial (as partial_file),
/// from one reading of the file, as {metrics VALUE partial TEXT}.
Value file_statistics(const std::string &path, const StringList &options = StringList());
/// Bootstrap replicates of the records of one file, as bootstrap_replicates.
RealList bootstrap_file(const std::string &path, long long seed, long long first, long long count,
                        const StringList &options = StringList());
/// Writes tables given as CSV texts (a header line, then rows) to one HDF5
/// file, CSV copies in \a csv_folder and the plots they allow in
/// \a plot_folder. A column is numeric when every non-empty field is a number.
Value write_tables(const StringList &names, const StringList &csv_texts, const std::string &hdf5_path,
                   const std::string &csv_folder, const std::string &plot_folder, bool plots);

/// The built-in leave-one-drug-out model (see lodo.h): the drugs of a study
/// as {index I smiles S rows N} dicts, one run file written for a drug
/// (returns its row count), and the Tanimoto similarity of two drugs.
Value lodo_drugs(const StringList &responses, const std::string &drugs, const std::string &fingerprints);
long long lodo_run(const StringList &responses, const std::string &drugs, const std::string &fingerprints,
                   int index, int k, const std::string &path);
double lodo_similarity(const StringList &responses, const std::string &drugs,
                       const std::string &fingerprints, int first, int second);

} // namespace api
} // namespace hed

#endif
