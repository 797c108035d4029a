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

# hed::group_stats --
#
#	Returns the statistics of each drug or cell line (by = drug or cell)
#	of the records of the files: {columns {drug n mse rmse mae pcc scc r2
#	mean_error sd_error} rows {...}}. Options: those of the reader.
proc hed::group_stats {paths by args} {
    return [hed_core::group_stats $paths $by $args]
}

# hed::error_zscores --
#
#	Returns the z-score of each record's error, over all records or, when
#	withinDrug is true, within the record's drug (empty when undefined).
proc hed::error_zscores {paths withinDrug args} {
    return [hed_core::error_zscores $paths $withinDrug $args]
}

# hed::standardized_scores --
#
#	Standardizes per-drug values (such as RMSEs): returns {mean sd median
#	mad scores {{name value z robust_z rank} ...} top NAMES
#	above_threshold NAMES}, ranked from the highest value. z uses the mean
#	and sd (ddof 1), robust_z the median and 1.4826 * MAD.
proc hed::standardized_scores {names values {top 10} {threshold 2.0}} {
    return [hed_core::standardized_scores $names $values $top $threshold]
}

# hed::cell_ranking --
#
#	Returns per cell line the recall of its k most sensitive drugs among
#	the k predicted most sensitive, and the Spearman correlation of its
#	drug ranking: {columns {cell n recall_at_k spearman} rows {...}}.
proc hed::cell_ranking {paths k args} {
    return [hed_core::cell_ranking $paths $k $args]
}

# hed::quantiles --
#
#	Returns the quantiles of values at the probabilities, interpolating
#	linearly between order statistics.
proc hed::quantiles {values probabilities} {
    return [hed_core::quantiles $values $probabilities]
}

# hed::histogram --
#
#	Returns {lo hi counts LIST underflow N overflow N} of equal-width bins.
proc hed::histogram {values low high bins} {
    return [hed_core::histogram $values $low $high $bins]
}

# hed::normality_test --
#
#	D'Agostino and Pearson's test: returns {statistic p_value skew_z
#	kurtosis_z}; empty values for fewer than 8 values.
proc hed::normality_test {values} {
    return [hed_core::normality_test $values]
}

# hed::qq_points --
#
#	Returns {theoretical LIST sample LIST} for a normal QQ plot.
proc hed::qq_points {values} {
    return [hed_core::qq_points $values]
}

# hed::bootstrap_replicates --
#
#	Returns the flat list {mean_error rmse ...} of bootstrap replicates
#	first .. first+count-1. A replicate depends only on the seed and its
#	number, so workers can compute disjoint ranges.
proc hed::bootstrap_replicates {aucTrue aucPred seed first count} {
    return [hed_core::bootstrap_replicates $aucTrue $aucPred $seed $first $count]
}

# hed::bootstrap_interval --
#
#	Returns percentile confidence intervals from concatenated results of
#	hed::bootstrap_replicates: {replicates B level L mean_error {lo hi}
#	rmse {lo hi}}.
proc hed::bootstrap_interval {replicates {level 0.95}} {
    return [hed_core::bootstrap_interval $replicates $level]
}

# hed::analysis --
#
#	Returns every table of an analysis of the records of the files, as
#	{NAME {columns LIST rows LIST} ...}. Options: those of hed::metrics and
#	-top N, -z_threshold Z, -metric rmse|mae|mse|mean_error, -k K,
#	-seed S, -replicates B, -level L, -qq_points N (QQ points kept).
proc hed::analysis {paths args} {
    return [hed_core::analysis $paths $args]
}

# hed::csa --
#
#	Returns the cross-study tables of a SOURCE-TARGET/split_K tree.
proc hed::csa {root args} {
    return [hed_core::csa $root $args]
}

# hed::study_pairs --
#
#	Returns {SOURCE TARGET} for each cross-study folder name SOURCE-TARGET.
#	A study name may contain dashes: see hed/study_pairs.h for how such a
#	folder name is split.
proc hed::study_pairs {folders} {
    return [hed_core::study_pairs $folders]
}

# hed::write_analysis --
#
#	Writes the analysis of the files into folder: hed.h5, one CSV per
#	table and plots (-plots 0 to skip them). Returns {hdf5 PATH csv LIST
#	plots LIST messages LIST}.
proc hed::write_analysis {paths folder args} {
    return [hed_core::write_analysis $paths $folder $args]
}

# hed::write_csa --
#
#	Writes the cross-study analysis of root into folder: csa.h5, CSV
#	copies and the heat map of mean RMSE.
proc hed::write_csa {root folder args} {
    return [hed_core::write_csa $root $folder $args]
}

# hed::write_records --
#
#	Writes the records of the files to an HDF5 file that hed reads back
#	as input.
proc hed::write_records {hdf5Path paths args} {
    hed_core::write_records $hdf5Path $paths $args
}

# hed::read_table --
#
#	Returns the table stored in an HDF5 file written by hed.
proc hed::read_table {hdf5Path name} {
    return [hed_core::read_table $hdf5Path $name]
}

# hed::list_tables --
#
#	Returns the names of the tables of an HDF5 file written by hed.
proc hed::list_tables {hdf5Path} {
    return [hed_core::list_tables $hdf5Path]
}

# hed::hdf5_attributes --
#
#	Returns the conventions recorded in an HDF5 file as a dict.
proc hed::hdf5_attributes {hdf5Path} {
    return [hed_core::hdf5_attributes $hdf5Path]
}

# hed::gnuplot_available --
#
#	Returns 1 when gnuplot can draw plots, else 0.
proc hed::gnuplot_available {} {
    return [hed_core::gnuplot_available]
}

package provide hed $hed::version

# hed::lodo_drugs --
#
#	Loads a leave-one-drug-out study (DrugCell response files, the drug
#	list and the fingerprints) and returns its drugs in index order, each
#	a dict {index I smiles S rows N}. Bad input raises an error naming
#	the file, the line and the value. A worker keeps the loaded study for
#	later calls with the same, unchanged files.
proc hed::lodo_drugs {responses drugs fingerprints} {
    return [hed_core::lodo_drugs $responses $drugs $fingerprints]
}

# hed::lodo_run --
#
#	Predicts every response row of the drug with the given index from
#	the k most similar other drugs (the built-in baseline model) and
#	writes them to path as a HED run file, auc_true,auc_pred,labels,
#	under a temporary name renamed into place. Returns the row count.
proc hed::lodo_run {responses drugs fingerprints index k path} {
    return [hed_core::lodo_run $responses $drugs $fingerprints $index $k $path]
}

# hed::lodo_similarity --
#
#	Returns the Tanimoto similarity of the fingerprints of two drugs.
proc hed::lodo_similarity {responses drugs fingerprints first second} {
    return [hed_core::lodo_similarity $responses $drugs $fingerprints $first $second]
}

# hed::file_statistics --
#
#	Reads a predictions file once and returns {metrics DICT partial TEXT}:
#	what hed::metrics and hed::partial_file return, with the same options.
proc hed::file_statistics {path args} {
    return [hed_core::file_statistics $path $args]
}

# hed::bootstrap_file --
#
#	Returns bootstrap replicates [first, first + count) of the records of
#	one file as a flat list {mean_error rmse ...}, like
#	hed::bootstrap_replicates: the same seed gives the same replicates
#	however the range is split.
proc hed::bootstrap_file {path seed first count args} {
    return [hed_core::bootstrap_file $path $seed $first $count $args]
}

# hed::write_tables --
#
#	Writes tables given as a dict {NAME CSV-TEXT ...} to the HDF5 file
#	hdf5Path (a group per table), CSV copies in csvFolder and the plots
#	the tables allow in plotFolder. Returns {hdf5 PATH csv LIST plots LIST
#	messages LIST}.
proc hed::write_tables {tables hdf5Path csvFolder plotFolder {plots 1}} {
    return [hed_core::write_tables [dict keys $tables] [dict values $tables] \
        $hdf5Path $csvFolder $plotFolder $plots]
}
