# hed.tcl --
#
#	The commands of package hed: HED error statistics of drug response
#	predictions. Each proc checks its arity (so a wrong call gets Tcl's
#	usage message) and calls the SWIG module in namespace hed_core, whose
#	errors carry an error code starting with HED. Options are given as
#	"-name value" pairs after the fixed arguments.
#
#	Conventions: error = auc_pred - auc_true; standard deviations use
#	ddof 1; Spearman uses average ranks; AUC range i of k is [i/k, (i+1)/k)
#	by decimal value, the last closed at 1.0, and AUC outside [0, 1] is
#	counted as out of range; r2 of a constant auc_true is undefined.
#	Undefined values are empty strings.

namespace eval hed {
    namespace export *
}

# hed::version --
#
#	Returns the version of hedflow the package was built with.
proc hed::version {} {
    return [hed_core::version]
}

# hed::metrics --
#
#	Reads a predictions file (IMPROVE or HED run CSV, Uno TSV or hedflow
#	HDF5) and returns its statistics as a dict with the keys of the pandas
#	reference: n mse rmse mae pcc scc r2 mean_error sd_error mae_poly
#	ranges10 ranges2 skewness excess_kurtosis. With -skip_bad 1, the keys
#	skipped and skipped_examples follow.
#
#	Options: -skip_bad BOOL, -chunk_bytes N, -drug NAME, -alphas LIST,
#	-ranges LIST, -threshold AUC, -beta X, -histogram {LOW HIGH BINS},
#	-memory_rows N (records kept for Spearman before a second pass).
proc hed::metrics {path args} {
    return [hed_core::metrics $path $args]
}

# hed::metrics_line --
#
#	Like hed::metrics, but returns a dict {line TEXT skipped N examples
#	LIST} where TEXT is the JSON object ({"file": PATH, ...}) or the CSV
#	row of the file, for format json or csv.
proc hed::metrics_line {path format args} {
    return [hed_core::metrics_line $path $format $args]
}

# hed::metrics_csv_header --
#
#	Returns the CSV header line matching hed::metrics_line rows made with
#	the same options.
proc hed::metrics_csv_header {args} {
    return [hed_core::metrics_csv_header $args]
}

# hed::partial_file --
#
#	Returns the mergeable partial statistics of a file as text.
#	Options: those of the reader and of hed::partial_values.
proc hed::partial_file {path args} {
    return [hed_core::partial_file $path $args]
}

# hed::partial_values --
#
#	Returns the partial statistics of the records given as two lists of
#	equal length. Options: -alphas LIST, -ranges LIST, -threshold AUC,
#	-beta X, -histogram {LOW HIGH BINS}; partials merge only when these
#	match.
proc hed::partial_values {aucTrue aucPred args} {
    return [hed_core::partial_values $aucTrue $aucPred $args]
}

# hed::partial_merge --
#
#	Returns the merge of one or more partials: the partial of all their
#	records, whatever the order.
proc hed::partial_merge {partial args} {
    return [hed_core::partial_merge [linsert $args 0 $partial]]
}

# hed::partial_result --
#
#	Returns the statistics of a partial as a dict: n mse rmse mae pcc r2
#	mean_error sd_error mae_poly rangesK (bins with lo hi n mae rmse
#	mean_error, and out_of_range) skewness excess_kurtosis sensitivity
#	histogram.
proc hed::partial_result {partial} {
    return [hed_core::partial_result $partial]
}

package provide hed $hed::version
