# analyze.tcl --
#
#	`hedflow [-n N] hed analyze`: the analysis stage (see
#	lib/analyze.tcl). Sourced by hed.tcl on every rank with ::argv holding
#	the arguments.

source [file join [file dirname [info script]] lib load.tcl]

set hedwf::usage "Usage: hedflow \[-n N\] hed analyze (--runs DIR | --csa DIR) --out DIR \[OPTIONS\]

Finds the drugs whose predictions fail and reports the errors: one task per
predictions file computes its statistics; the leader merges them, ranks the
drugs by RMSE, bootstraps the top ones and writes DIR/hed.h5, DIR/tables/*.csv,
DIR/plots/ and DIR/report.html with DIR/report.md.

  --runs DIR            HED runs: DIR/run/RUNnnn/test_y_data_predicted.csv,
                        with DIR/runs.csv naming each run's drug
  --csa DIR             cross-study analysis: DIR/SOURCE-TARGET/split_K/
                        test_y_data_predicted.csv
  --out DIR             output folder, created when missing
  --top N               drugs reported and bootstrapped (default 10)
  --bootstrap B         bootstrap replicates per top drug (default 1000)
  --seed S              bootstrap seed (default 1)
  --z-threshold Z       high error drugs: standardized RMSE above Z (default 2)
  --k K                 per cell line: recall of the true top-K (default 10)
  --plots 0|1           draw plots with gnuplot (default 1)
  --chunk-bytes N       split files larger than N bytes into chunks of N bytes,
                        one task each (default 67108864)"

set hedwf::options [hedwf::parseArguments analyze $hedwf::analyzeSpec $hedwf::usage $argv]
hedwf::require analyze $hedwf::options out
if {([dict get $hedwf::options runs] eq "") == ([dict get $hedwf::options csa] eq "")} {
    hedwf::usageError analyze "give exactly one of --runs DIR and --csa DIR"
}
if {[dict get $hedwf::options plots] ni {0 1}} {
    hedwf::usageError analyze "--plots: invalid value \"[dict get $hedwf::options plots]\"; give 0 or 1"
}
if {[hedwf::checkOnly]} {
    hedwf::prepareOut analyze [dict get $hedwf::options out]
    # Every record is read here once, so a malformed row is one clear error
    # before the MPI job instead of a failure on several ranks.
    hedwf::checkInputs analyze {
        foreach input [hedwf::analyzeInputs $hedwf::options] {
            hed::partial_file [dict get $input path]
        }
    }
    exit 0
}
hedwf::runWorkflow [dict get $hedwf::options out] {
    set analysis [hedwf::analyzeStage $hedwf::options]
    hedwf::writeReport [dict get $hedwf::options out] $analysis "High error drug analysis"
    puts "hedflow hed analyze: report written to [file join [dict get $hedwf::options out] report.html] (and report.md)"
}
