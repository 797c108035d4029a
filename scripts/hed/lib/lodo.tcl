# lodo.tcl --
#
#	The leave-one-drug-out stage of the HED workflow: one task per drug of
#	the measured responses. Each task trains on the other drugs, predicts
#	the held-out drug's rows and writes OUT/run/RUNnnn/
#	test_y_data_predicted.csv (auc_true,auc_pred,labels), the layout of
#	real HED runs. OUT/runs.csv maps each run to its drug: the name D<index>
#	used in the tables, the index in the drug list, the SMILES and the
#	number of rows.
#
#	The built-in model is the baseline of the hed package (hed::lodo_run):
#	similarity-weighted AUC of the k most similar drugs by Tanimoto
#	similarity of fingerprints, measured on the same cell line. With
#	--model-command, each run instead calls that command as an external
#	program with the run folder as its last argument; it must write
#	test_y_data_predicted.csv there. It gets the held-out drug in the
#	environment: HED_DRUG_INDEX, HED_DRUG_SMILES, and the inputs in
#	HED_RESPONSES (paths separated by ":"), HED_DRUGS, HED_FINGERPRINTS.

namespace eval hedwf {
    variable lodoSpec {
        responses {files {}}
        drugs {file ""}
        fingerprints {file ""}
        out {outdir ""}
        k {count 10 1000000}
        model-command {string ""}
        retries {seed 0 1000}
        timeout {seconds ""}
    }
}

# hedwf::runName --
#
#	Returns the run folder name of the run with a zero-based position.
proc hedwf::runName {position} {
    return [format RUN%03d $position]
}

# hedwf::lodoCheck --
#
#	Loads and checks the inputs of the stage (every row of every file) and
#	returns the study's drugs, as hed::lodo_drugs. Raises the input error
#	with file, line and value when one is malformed.
proc hedwf::lodoCheck {options} {
    return [hed::lodo_drugs [dict get $options responses] [dict get $options drugs] \
        [dict get $options fingerprints]]
}

# hedwf::lodoStage --
#
#	Runs the stage on the leader: writes runs.csv, submits one keyed task
#	per drug and waits for all. A run that the journal records as done but
#	whose test_y_data_predicted.csv is missing runs again. Returns the
#	names of the runs that failed (RUNnnn); their errors are in the
#	failure table at the end of the run.
proc hedwf::lodoStage {options} {
    set out [dict get $options out]
    set drugs [lodoCheck $options]
    set inputs [list {*}[dict get $options responses] [dict get $options drugs] [dict get $options fingerprints]]
    set stamp [stamp $inputs]
    set command [dict get $options model-command]
    set model [expr {$command eq "" ? "knn-k[dict get $options k]" : "command-[format %08x [zlib crc32 $command]]"}]

    set rows {}
    set position 0
    foreach drug $drugs {
        lappend rows [list [runName $position] D[dict get $drug index] [dict get $drug index] \
            [dict get $drug smiles] [dict get $drug rows]]
        incr position
    }
    file mkdir [file join $out run]
    writeAtomically [file join $out runs.csv] [csvText {run drug index smiles rows} $rows]
    turbine::log info "lodo: [llength $drugs] drugs, model $model, output $out"

    set taskOptions [list -retries [dict get $options retries]]
    # An external model's own timer applies the time limit (see
    # modelTask), so its task has none.
    if {$command eq "" && [dict get $options timeout] ne ""} {
        lappend taskOptions -timeout [dict get $options timeout]
    }
    set scripts [dict create]
    set futures [dict create]
    foreach row $rows {
        lassign $row run name index smiles count
        set folder [file join $out run $run]
        if {$command eq ""} {
            set script [list hedwf::lodoTask [dict get $options responses] [dict get $options drugs] \
                [dict get $options fingerprints] $index [dict get $options k] $folder]
        } else {
            set environment [dict create HED_DRUG_INDEX $index HED_DRUG_SMILES $smiles \
                HED_RESPONSES [join [dict get $options responses] :] \
                HED_DRUGS [dict get $options drugs] HED_FINGERPRINTS [dict get $options fingerprints]]
            set script [list hedwf::modelTask $command $folder $environment [dict get $options timeout]]
        }
        dict set scripts $run $script
        dict set futures $run [turbine::submit {*}$taskOptions -key "lodo/$model/$stamp/$run" $script]
    }

    set failed {}
    set redone [dict create]
    dict for {run future} $futures {
        if {[catch {turbine::wait $future}]} {
            lappend failed $run
            continue
        }
        # A task that ran has written its file, so a missing one was
        # deleted after the journal recorded the run. The journal keeps
        # that record, so the run goes again without a key.
        set output [file join $out run $run test_y_data_predicted.csv]
        if {![file exists $output]} {
            turbine::log -always warn "lodo: $run is recorded as done but $output is missing; running it again"
            dict set redone $run [turbine::submit {*}$taskOptions [dict get $scripts $run]]
        }
    }
    dict for {run future} $redone {
        if {[catch {turbine::wait $future}]} {
            lappend failed $run
        }
    }
    set failed [lsort $failed]
    puts "hedflow hed lodo: [expr {[dict size $futures] - [llength $failed]}] of [dict size $futures] runs written to [file join $out run]"
    return $failed
}

# hedwf::modelTask --
#
#	The task of one drug with an external model, on a worker: runs the
#	command with the run folder as its last argument, in that folder, and
#	fails unless it wrote test_y_data_predicted.csv there, so a run
#	without output is never recorded as done. Returns the program's
#	result dict (see turbine::app).
proc hedwf::modelTask {command folder environment timeout} {
    file mkdir $folder
    set output [file join $folder test_y_data_predicted.csv]
    file delete $output
    set options [dict create cwd $folder env $environment]
    if {$timeout ne ""} {
        dict set options timeout $timeout
    }
    set result [turbine::runProgram [list {*}$command $folder] $options]
    if {![file isfile $output]} {
        return -code error -errorcode [list HED MODEL NO_OUTPUT $output] \
            "model command \"[lindex $command 0]\" exited with status 0 but wrote no $output"
    }
    return $result
}

# hedwf::lodoTask --
#
#	The task of one drug, on a worker: predicts it with the built-in model
#	into folder/test_y_data_predicted.csv. Returns the number of rows.
proc hedwf::lodoTask {responses drugs fingerprints index k folder} {
    file mkdir $folder
    return [hed::lodo_run $responses $drugs $fingerprints $index $k \
        [file join $folder test_y_data_predicted.csv]]
}
