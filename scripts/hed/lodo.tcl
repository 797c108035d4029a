# lodo.tcl --
#
#	`hedflow [-n N] hed lodo`: the leave-one-drug-out stage (see
#	lib/lodo.tcl). Sourced by hed.tcl on every rank with ::argv holding the
#	arguments.

source [file join [file dirname [info script]] lib load.tcl]

set hedwf::usage "Usage: hedflow \[-n N\] hed lodo --responses FILE \[--responses FILE ...\]
           --drugs FILE --fingerprints FILE --out DIR \[OPTIONS\]

Leave-one-drug-out over every drug in the measured responses: one task per
drug trains on the other drugs and predicts the held-out drug's rows into
DIR/run/RUNnnn/test_y_data_predicted.csv (auc_true,auc_pred,labels); DIR/runs.csv
maps runs to drugs. A rerun with the same DIR skips finished runs.

  --responses FILE      measured responses: cell line, drug SMILES, AUC,
                        tab-separated (DrugCell format); repeat for more files
  --drugs FILE          drug list: index, tab, SMILES (drug2ind.txt)
  --fingerprints FILE   one comma-separated row of 0/1 bits per drug index
                        (drug2fingerprint.txt)
  --out DIR             output folder, created when missing
  --k K                 neighbour drugs of the built-in model (default 10)
  --model-command CMD   run CMD RUN_FOLDER per drug instead of the built-in
                        model; CMD must write test_y_data_predicted.csv there.
                        CMD is split into words as a Tcl list: brace or
                        quote a word with spaces, as in {sh -c {exit 0}}
  --retries N           attempts after a failed run (default 0)
  --timeout SECONDS     time limit of one run"

set hedwf::options [hedwf::parseArguments lodo $hedwf::lodoSpec $hedwf::usage $argv]
hedwf::require lodo $hedwf::options {responses drugs fingerprints out}
dict set hedwf::options model-command [hedwf::resolveCommand lodo [dict get $hedwf::options model-command]]
if {[hedwf::checkOnly]} {
    hedwf::prepareOut lodo [dict get $hedwf::options out]
    hedwf::checkInputs lodo {hedwf::lodoCheck $hedwf::options}
    hedwf::checkInputs lodo {hedwf::prepareRuns lodo $hedwf::options}
    exit 0
}
hedwf::runWorkflow [dict get $hedwf::options out] {
    hedwf::lodoStage $hedwf::options
}
