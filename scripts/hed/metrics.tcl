# metrics.tcl --
#
#	`hedflow hed metrics ?OPTIONS? FILE ...`: prints the statistics of each
#	predictions file, one JSON object per line with the keys of the pandas
#	reference (or one CSV row per file after a header line). Sourced by
#	hed.tcl with ::argv holding the arguments; runs in one process.
#
#	Exit status: 0 when every file was read, 1 when a file failed (the
#	other files are still printed), 2 on a usage error.

package require hed

namespace eval hedmetrics {
    variable usage "Usage: hedflow hed metrics ?--format json|csv? ?--skip-bad? FILE ...

Prints the statistics of each predictions file (IMPROVE or HED run CSV,
Uno TSV, hedflow HDF5): n mse rmse mae pcc scc r2 mean_error sd_error
mae_poly (alphas 0 1 2 4) ranges10 ranges2 skewness excess_kurtosis.

  --format json   one JSON object per line, {\"file\": FILE, ...} (default)
  --format csv    a header line, then one row per file
  --skip-bad      skip malformed rows, and report how many on stderr"
}

# hedmetrics::fail --
#
#	Prints a usage error and the usage text to stderr and exits with 2.
proc hedmetrics::fail {message} {
    variable usage
    puts stderr "hedflow hed metrics: $message\n\n$usage"
    exit 2
}

# hedmetrics::parseArguments --
#
#	Returns a dict {format json|csv skipBad 0|1 files LIST} read from the
#	command line, or exits on a usage error.
proc hedmetrics::parseArguments {arguments} {
    variable usage
    set options [dict create format json skipBad 0 files {}]
    while {[llength $arguments] > 0} {
        set arguments [lassign $arguments word]
        switch -glob -- $word {
            -h - --help {
                puts $usage
                exit 0
            }
            --format {
                if {[llength $arguments] == 0} {
                    fail "option --format needs a value: json or csv"
                }
                set arguments [lassign $arguments format]
                if {$format ni {json csv}} {
                    fail "invalid format \"$format\": expected json or csv"
                }
                dict set options format $format
            }
            --skip-bad {
                dict set options skipBad 1
            }
            -- {
                dict lappend options files {*}$arguments
                set arguments {}
            }
            -* {
                fail "unknown option \"$word\""
            }
            default {
                dict lappend options files $word
            }
        }
    }
    if {[llength [dict get $options files]] == 0} {
        fail "no input file given"
    }
    return $options
}

# hedmetrics::reportSkipped --
#
#	Prints to stderr how many malformed rows of a file were skipped, with
#	the first examples.
proc hedmetrics::reportSkipped {path result} {
    set count [dict get $result skipped]
    if {$count == 0} {
        return
    }
    puts stderr "hedflow hed metrics: skipped $count malformed rows in $path"
    foreach example [dict get $result examples] {
        dict with example {
            puts stderr "  line $line, column $column, value \"$value\": $reason"
        }
    }
}

# hedmetrics::output --
#
#	Runs a command that writes to stdout (puts or flush). When the reader
#	has gone (as with `| head`), exits with status 141, as a program that
#	SIGPIPE ended does, without a traceback: Tcl ignores SIGPIPE and raises
#	EPIPE instead. Any other write error (a full disk) exits 1 with a
#	message, so no output is lost in silence.
proc hedmetrics::output {args} {
    if {[catch {{*}$args} message options]} {
        if {[lrange [dict get $options -errorcode] 0 1] eq {POSIX EPIPE}} {
            exit 141
        }
        puts stderr "hedflow hed metrics: cannot write the output: $message"
        exit 1
    }
}

# hedmetrics::main --
#
#	Prints the statistics of every file. Returns the exit status.
proc hedmetrics::main {arguments} {
    set options [parseArguments $arguments]
    set format [dict get $options format]
    set readOptions [list -skip_bad [dict get $options skipBad]]
    if {$format eq "csv"} {
        output puts [hed::metrics_csv_header]
    }
    set status 0
    foreach path [dict get $options files] {
        if {[catch {hed::metrics_line $path $format {*}$readOptions} result]} {
            puts stderr "hedflow hed metrics: $result"
            set status 1
            continue
        }
        output puts [dict get $result line]
        reportSkipped $path $result
    }
    output flush stdout
    return $status
}

exit [hedmetrics::main $::argv]
