# run.tcl --
#
#	`hedflow [-n N] hed run`: both stages in one job, leave-one-drug-out
#	then the analysis of its runs. Sourced by hed.tcl on every rank.

source [file join [file dirname [info script]] lib load.tcl]

set hedwf::usage "Usage: hedflow \[-n N\] hed run --responses FILE \[--responses FILE ...\]
           --drugs FILE --fingerprints FILE --out DIR \[OPTIONS\]

Runs 'hed lodo' into DIR, then 'hed analyze --runs DIR --out DIR'. Takes the
options of both (see 'hedflow hed lodo --help' and 'hedflow hed analyze --help')."

set hedwf::spec [dict merge $hedwf::lodoSpec [dict remove $hedwf::analyzeSpec runs csa out k]]
dict set hedwf::spec analysis-k {count 10 1000000}
set hedwf::options [hedwf::parseArguments run $hedwf::spec $hedwf::usage $argv]
hedwf::require run $hedwf::options {responses drugs fingerprints out}
dict set hedwf::options model-command [hedwf::resolveCommand run [dict get $hedwf::options model-command]]
dict set hedwf::options runs [dict get $hedwf::options out]
dict set hedwf::options csa ""
if {[hedwf::checkOnly]} {
    hedwf::prepareOut run [dict get $hedwf::options out]
    hedwf::checkInputs run {hedwf::lodoCheck $hedwf::options}
    hedwf::checkInputs run {hedwf::prepareRuns run $hedwf::options}
    exit 0
}
hedwf::runWorkflow [dict get $hedwf::options out] {
    set hedwf::failed [hedwf::lodoStage $hedwf::options]
    set hedwf::total [llength [hedwf::readCsv [file join [dict get $hedwf::options out] runs.csv]]]
    if {[llength $hedwf::failed] == $hedwf::total} {
        # Nothing to analyze; the failure table that follows says why.
        turbine::log -always error "run: all $hedwf::total model runs failed, so there is no analysis;\
            see the failed tasks below, fix the model command and run the same command again"
        return
    }
    if {[llength $hedwf::failed] > 0} {
        turbine::log -always error "run: runs failed: [join $hedwf::failed {, }]; the analysis covers the others"
    }
    set hedwf::analysisOptions [dict replace $hedwf::options k [dict get $hedwf::options analysis-k] \
        failed-runs $hedwf::failed]
    set analysis [hedwf::analyzeStage $hedwf::analysisOptions]
    hedwf::writeReport [dict get $hedwf::options out] $analysis "High error drug analysis"
    puts "hedflow hed run: report written to [file join [dict get $hedwf::options out] report.html] (and report.md)"
}
