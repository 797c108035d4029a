# demo.tcl --
#
#	`hedflow [-n N] hed demo --out DIR`: generates a synthetic study (see
#	lib/demo.tcl) into DIR/input and runs both stages on it. Sourced by
#	hed.tcl on every rank.

source [file join [file dirname [info script]] lib load.tcl]

set hedwf::usage "Usage: hedflow \[-n N\] hed demo --out DIR \[OPTIONS\]

Generates a synthetic drug screen (AUC piled up near 1, a few potent drugs,
some AUC slightly above 1) into DIR/input, then runs the whole HED workflow on
it: leave-one-drug-out into DIR/run, analysis into DIR/tables, DIR/plots and
DIR/report.html. Needs no data; the same seed gives the same study.

  --out DIR        output folder, created when missing
  --drugs N        drugs in the study (default 30)
  --cells N        cell lines in the study (default 40)
  --seed S         seed of the study (default 1)
  --k K            neighbour drugs of the baseline model (default 10)
  --top N          drugs reported and bootstrapped (default 10)
  --bootstrap B    bootstrap replicates per top drug (default 1000)

For real data, run for example:
  hedflow -n 4 hed run --responses drugcell_train.txt --responses drugcell_val.txt \\
      --responses drugcell_test.txt --drugs drug2ind.txt \\
      --fingerprints drug2fingerprint.txt --out results"

set hedwf::options [hedwf::parseArguments demo $hedwf::demoSpec $hedwf::usage $argv]
hedwf::require demo $hedwf::options out
set hedwf::out [dict get $hedwf::options out]
set hedwf::input [file join $hedwf::out input]
set hedwf::inputs [dict create \
    responses [list [file join $hedwf::input responses.txt]] \
    drugs [file join $hedwf::input drugs.txt] \
    fingerprints [file join $hedwf::input fingerprints.txt]]
if {[hedwf::checkOnly]} {
    hedwf::prepareOut demo $hedwf::out
    # The study is written once per parameters, so a rerun keeps its files
    # (and their journal keys) unchanged.
    set hedwf::parameters "drugs [dict get $hedwf::options drugs] cells [dict get $hedwf::options cells] seed [dict get $hedwf::options seed]"
    set hedwf::marker [file join $hedwf::input parameters.txt]
    if {![file exists $hedwf::marker] || [string trim [hedwf::readText $hedwf::marker]] ne $hedwf::parameters} {
        hedwf::demoGenerate $hedwf::input [dict get $hedwf::options drugs] \
            [dict get $hedwf::options cells] [dict get $hedwf::options seed]
        hedwf::writeAtomically $hedwf::marker "$hedwf::parameters\n"
    }
    hedwf::checkInputs demo {
        hedwf::prepareRuns demo [dict merge $hedwf::options $hedwf::inputs {model-command ""}]
    }
    exit 0
}
if {![file exists [dict get $hedwf::inputs drugs]]} {
    puts stderr "hedflow hed demo: no study in [file join $hedwf::out input]; run it as 'hedflow -n N hed demo', without --serial: the launcher writes the study before the MPI job"
    exit 2
}
# The stages' other options keep their defaults.
set hedwf::defaults [dict create]
dict for {hedwf::name hedwf::entry} [dict merge $hedwf::lodoSpec $hedwf::analyzeSpec] {
    dict set hedwf::defaults $hedwf::name [lindex $hedwf::entry 1]
}
set hedwf::options [dict merge $hedwf::defaults $hedwf::options $hedwf::inputs \
    [dict create runs $hedwf::out csa ""]]
hedwf::runWorkflow $hedwf::out {
    hedwf::lodoStage $hedwf::options
    set analysis [hedwf::analyzeStage $hedwf::options]
    hedwf::writeReport $hedwf::out $analysis "High error drug analysis of the synthetic demo study"
    puts "hedflow hed demo: report written to [file join $hedwf::out report.html] (and report.md)"
}
