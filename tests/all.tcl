# all.tcl --
#
#	The test driver behind `make check`. It runs every tests/*.test file:
#	a serial file in one tclsh, a multi-rank file once for each rank count
#	it declares on a header line such as
#
#	    # ranks: 2 3 4
#
#	under the hedflow launcher, so with the configured mpiexec. Each run is
#	killed after a time limit (600 s, or a header line "# timeout: SECONDS",
#	or HEDFLOW_TEST_TIMEOUT) and then counts as failed. Every rank writes its
#	tcltest report to its own log (see support/testing.tcl); a test fails
#	when it fails on any rank. The last line totals all files and ranks as
#	"N passed, N failed" with ", N skipped" when any were skipped, and the
#	exit status is 1 when anything failed.
#
#	Usage: tclsh all.tcl -launcher PATH ?-dir DIR? ?-file GLOB?
#	                     ?-timeout SECONDS? ?-ranks LIST? ?-verbose?
#	    -dir      the folder of the test files (default: this file's folder)
#	    -file     run only the files whose name matches GLOB
#	    -ranks    run multi-rank files only at these rank counts
#	    -verbose  print each run's full output, not only that of failures

package require Tcl 8.6

namespace eval driver {
    variable testDir [file dirname [file normalize [info script]]]
    variable options [dict create \
        -launcher [file join [file dirname $testDir] scripts hedflow] \
        -dir $testDir \
        -file * \
        -timeout [expr {[info exists ::env(HEDFLOW_TEST_TIMEOUT)] ? $::env(HEDFLOW_TEST_TIMEOUT) : 600}] \
        -ranks {} \
        -verbose 0]
    variable totals [dict create passed 0 failed 0 skipped 0]
    variable failedRuns {}
}

# driver::parseOptions --
#
#	Reads the command line into driver::options; an unknown option or a
#	missing value ends the driver with a usage message.
proc driver::parseOptions {arguments} {
    variable options
    while {[llength $arguments] > 0} {
        set arguments [lassign $arguments name]
        if {$name eq "-verbose"} {
            dict set options -verbose 1
            continue
        }
        if {![dict exists $options $name] || [llength $arguments] == 0} {
            puts stderr "all.tcl: invalid option '$name'\nUsage: tclsh all.tcl -launcher PATH ?-dir DIR? ?-file GLOB? ?-timeout SECONDS? ?-ranks LIST? ?-verbose?"
            exit 2
        }
        set arguments [lassign $arguments value]
        dict set options $name $value
    }
    if {![string is integer -strict [dict get $options -timeout]] || [dict get $options -timeout] <= 0} {
        puts stderr "all.tcl: invalid time limit '[dict get $options -timeout]'; give a whole number of seconds"
        exit 2
    }
    # Each run works in a folder of its own, so a relative path would break.
    dict set options -launcher [file normalize [dict get $options -launcher]]
    dict set options -dir [file normalize [dict get $options -dir]]
    if {![file executable [dict get $options -launcher]]} {
        puts stderr "all.tcl: launcher '[dict get $options -launcher]' not found or not executable; run make first"
        exit 2
    }
}

# driver::readHeader --
#
#	Returns a dict with the rank counts ("ranks", empty for a serial file)
#	and the time limit ("timeout") declared in the first lines of a file.
proc driver::readHeader {path} {
    variable options
    set header [dict create ranks {} timeout [dict get $options -timeout]]
    set channel [open $path r]
    for {set i 0} {$i < 40 && [gets $channel line] >= 0} {incr i} {
        if {[regexp {^#\s*ranks:\s*([0-9 ]+)\s*$} $line -> counts]} {
            dict set header ranks $counts
        } elseif {[regexp {^#\s*timeout:\s*([0-9]+)\s*$} $line -> seconds]} {
            dict set header timeout [expr {max($seconds, [dict get $options -timeout])}]
        }
    }
    close $channel
    return $header
}

# driver::readLogs --
#
#	Combines the per-rank tcltest logs of one run. Returns a dict with
#	total, skipped, failedNames (union over ranks), skipReasons (rank 0),
#	missing (ranks whose log has no summary line) and text (all logs).
proc driver::readLogs {logDir ranks} {
    set result [dict create total 0 skipped 0 failedNames {} skipReasons {} missing {} text ""]
    for {set rank 0} {$rank < $ranks} {incr rank} {
        set path [file join $logDir rank$rank.log]
        set content ""
        if {[file exists $path]} {
            set channel [open $path r]
            set content [read $channel]
            close $channel
        }
        if {$ranks > 1} {
            dict append result text "---- rank $rank ----\n"
        }
        dict append result text $content

        set summary [regexp -all -inline -line \
            {^\S+:\s+Total\s+(\d+)\s+Passed\s+(\d+)\s+Skipped\s+(\d+)\s+Failed\s+(\d+)} $content]
        if {[llength $summary] == 0} {
            dict lappend result missing $rank
            continue
        }
        lassign [lrange $summary end-3 end] total passed skipped failed
        dict set result total [expr {max($total, [dict get $result total])}]
        if {$rank == 0} {
            dict set result skipped $skipped
            if {[regexp -line {^Number of tests skipped for each constraint:\n((?:\s+\d+\s+\S+\n?)+)} \
                    $content -> reasons]} {
                dict set result skipReasons [string trim $reasons]
            }
        }
        foreach {match name} [regexp -all -inline -line {^==== (\S+) .*FAILED$} $content] {
            if {$name ni [dict get $result failedNames]} {
                dict lappend result failedNames $name
            }
        }
        # A failure tcltest counted without a "FAILED" banner still counts.
        if {$failed > 0 && [llength [dict get $result failedNames]] == 0} {
            dict lappend result failedNames "(unnamed failure on rank $rank)"
        }
    }
    return $result
}

# driver::runOne --
#
#	Runs one test file at one rank count (0 means serial) in a fresh
#	working folder, prints its line and adds its counts to the totals.
proc driver::runOne {path ranks timeout} {
    variable options
    variable totals
    variable failedRuns

    set name [file tail $path]
    set label [expr {$ranks == 0 ? $name : "$name \[$ranks ranks\]"}]
    set workDir [file join [TempRoot] [file rootname $name]-$ranks-[pid]]
    file delete -force $workDir
    file mkdir $workDir
    set logDir [file join $workDir logs]
    file mkdir $logDir

    set launcher [dict get $options -launcher]
    set command [list timeout -k 10 $timeout $launcher]
    if {$ranks == 0} {
        lappend command --serial
    } else {
        lappend command -n $ranks
    }
    lappend command $path

    set ::env(HEDFLOW_TEST_LOGDIR) $logDir
    set started [clock milliseconds]
    set status 0
    set output ""
    set oldDir [pwd]
    cd $workDir
    try {
        set output [exec -ignorestderr {*}$command 2>@1]
    } trap CHILDSTATUS {message details} {
        set status [lindex [dict get $details -errorcode] 2]
        set output $message
    } on error {message} {
        set status -1
        set output $message
    } finally {
        cd $oldDir
    }
    set seconds [expr {([clock milliseconds] - $started) / 1000.0}]

    set logs [readLogs $logDir [expr {max($ranks, 1)}]]
    set failed [llength [dict get $logs failedNames]]
    set skipped [dict get $logs skipped]
    set passed [expr {max(0, [dict get $logs total] - $skipped - $failed)}]
    set problems {}
    if {$status == 124 || $status == 137} {
        lappend problems "killed after the time limit of $timeout s"
    } elseif {$status != 0} {
        lappend problems "exited with status $status"
    }
    if {[llength [dict get $logs missing]] > 0} {
        lappend problems "no tcltest summary from rank [join [dict get $logs missing] {, }]"
    }
    if {[llength $problems] > 0 && $failed == 0} {
        set failed 1
    }

    set line [format "%-44s %s" $label "$passed passed, $failed failed"]
    if {$skipped > 0} {
        append line ", $skipped skipped"
    }
    append line [format " (%.1f s)" $seconds]
    if {[llength $problems] > 0} {
        append line " - [join $problems {; }]"
    }
    puts $line
    if {$skipped > 0 && [dict get $logs skipReasons] ne ""} {
        puts "    skipped for constraints: [regsub -all {\s+} [dict get $logs skipReasons] { }]"
    }
    if {$failed > 0 || [dict get $options -verbose]} {
        puts [Indent "$output\n[dict get $logs text]"]
    }
    if {$failed > 0} {
        lappend failedRuns "$label: [join [concat [dict get $logs failedNames] $problems] {, }]"
    } else {
        file delete -force $workDir
    }

    dict incr totals passed $passed
    dict incr totals failed $failed
    dict incr totals skipped $skipped
}

# driver::TempRoot --
#
#	Returns the folder that holds the working folders of the runs.
proc driver::TempRoot {} {
    set root [expr {[info exists ::env(TMPDIR)] ? $::env(TMPDIR) : "/tmp"}]
    set folder [file join $root hedflow-tests-[pid]]
    file mkdir $folder
    return $folder
}

# driver::Indent --
#
#	Returns text with every line indented by four spaces.
proc driver::Indent {text} {
    return [regsub -all -line {^} [string trimright $text] {    }]
}

proc driver::main {arguments} {
    variable options
    variable testDir
    variable totals
    variable failedRuns
    parseOptions $arguments

    # Test files find support/testing.tcl beside themselves; this tells it
    # where the checkout's tests are when the files sit elsewhere.
    set ::env(HEDFLOW_TEST_DIR) $testDir
    set ::env(HEDFLOW_LAUNCHER_PATH) [file normalize [dict get $options -launcher]]
    set folder [dict get $options -dir]
    set files [lsort [glob -nocomplain -directory $folder -- [dict get $options -file].test]]
    if {[llength $files] == 0} {
        puts stderr "all.tcl: no test file matches '[dict get $options -file].test' in $folder"
        exit 2
    }

    foreach path $files {
        set header [readHeader $path]
        set counts [dict get $header ranks]
        if {[llength $counts] == 0} {
            set counts 0
        } elseif {[llength [dict get $options -ranks]] > 0} {
            set counts [lmap count $counts {
                expr {$count in [dict get $options -ranks] ? $count : [continue]}
            }]
        }
        foreach ranks $counts {
            runOne $path $ranks [dict get $header timeout]
        }
    }
    file delete -force [TempRoot]

    if {[llength $failedRuns] > 0} {
        puts "\nFailed:"
        foreach run $failedRuns {
            puts "  $run"
        }
    }
    set summary "[dict get $totals passed] passed, [dict get $totals failed] failed"
    if {[dict get $totals skipped] > 0} {
        append summary ", [dict get $totals skipped] skipped"
    }
    puts $summary
    exit [expr {[dict get $totals failed] > 0 ? 1 : 0}]
}

driver::main $argv
