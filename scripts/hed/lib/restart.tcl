# restart.tcl --
#
#	Keeps an output folder's runs and journal consistent with the options
#	and inputs that made them. The journal trusts a run by its key, but
#	OUT/run holds only the files of the last configuration written there,
#	so a recorded run of an earlier configuration may name files that a
#	later one overwrote. The launcher's serial check therefore records the
#	configuration of the leave-one-drug-out stage in OUT/.hedflow/lodo.txt
#	and, when a rerun's configuration differs, starts the folder over
#	before the MPI job opens the journal.

namespace eval hedwf {}

# hedwf::lodoRecordPath --
#
#	Returns the path of the configuration record of the runs in out.
proc hedwf::lodoRecordPath {out} {
    return [file join $out .hedflow lodo.txt]
}

# hedwf::lodoRecord --
#
#	Returns the configuration of the stage as text, one line per option
#	that changes the predictions: the model (--k of the built-in model, or
#	--model-command), then each input file with its size and the CRC-32 of
#	its content. Every input is read once, in full.
proc hedwf::lodoRecord {options} {
    set lines {}
    if {[dict get $options model-command] eq ""} {
        lappend lines [list --k [dict get $options k]]
    } else {
        lappend lines [list --model-command [dict get $options model-command]]
    }
    set inputs {}
    foreach path [dict get $options responses] {
        lappend inputs --responses $path
    }
    lappend inputs --drugs [dict get $options drugs] --fingerprints [dict get $options fingerprints]
    foreach {option path} $inputs {
        set channel [open $path rb]
        try {
            set checksum [format %08x [zlib crc32 [read $channel]]]
        } finally {
            close $channel
        }
        lappend lines [list $option $path size [file size $path] crc32 $checksum]
    }
    return "[join $lines \n]\n"
}

# hedwf::changedOptions --
#
#	Returns the sorted option names whose lines differ between two
#	configuration records.
proc hedwf::changedOptions {recorded current} {
    set old [split [string trimright $recorded \n] \n]
    set new [split [string trimright $current \n] \n]
    set names {}
    foreach line $old {
        if {$line ni $new} {
            lappend names [lindex $line 0]
        }
    }
    foreach line $new {
        if {$line ni $old} {
            lappend names [lindex $line 0]
        }
    }
    return [lsort -unique $names]
}

# hedwf::prepareRuns --
#
#	In the launcher's serial check, before the MPI job: compares the
#	configuration of the stage (hedwf::lodoRecord) with the one recorded
#	in out. When they differ, prints why on stderr and removes the runs,
#	their analysis outputs and the journal, so the job starts over. When
#	out has no record, removes only the journal. Then records the new
#	configuration. Does nothing when they match, so a rerun after a crash
#	keeps its finished runs.
proc hedwf::prepareRuns {subcommand options} {
    variable analysisOutputs
    set out [dict get $options out]
    set recordPath [lodoRecordPath $out]
    set current [lodoRecord $options]
    set journal [glob -nocomplain -directory [file join $out .hedflow] journal.rank*]

    if {[file exists $recordPath]} {
        set recorded [readText $recordPath]
        if {$recorded eq $current} {
            return
        }
        set changed [join [changedOptions $recorded $current] {, }]
        if {$changed eq ""} {
            set changed "the order of the inputs"
        }
        set reason "the runs in \"$out\" were made with other options or inputs\
            (changed: $changed)"
    } else {
        # Without a record nothing shows who wrote the runs (a user, or
        # another hedflow command), so none is removed; the journal is not
        # trusted either, and every run is computed again over the old one.
        if {[llength $journal] > 0} {
            puts stderr "hedflow hed $subcommand: \"$out\" has a journal but no record of the\
                options and inputs of its runs; every run is computed again"
            file delete {*}$journal
        }
        writeAtomically $recordPath $current
        return
    }

    puts stderr "hedflow hed $subcommand: $reason; starting over: removing its runs,\
        analysis outputs and journal"
    # The record goes first: a check killed halfway then starts over again.
    file delete $recordPath
    # The runs and their analysis are what a configuration produces.
    foreach name [list run runs.csv {*}$analysisOutputs] {
        file delete -force [file join $out $name]
    }
    file delete {*}$journal
    writeAtomically $recordPath $current
}
