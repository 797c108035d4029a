# parse.tcl --
#
#	Prints the seconds that hed::partial_file (reading and the mergeable
#	statistics, no ranks) takes over the files given, the best total of
#	HED_BENCH_REPEAT_INNER passes.

package require hed

set best ""
for {set pass 0} {$pass < $::env(HED_BENCH_REPEAT_INNER)} {incr pass} {
    set start [clock microseconds]
    foreach path $argv {
        hed::partial_file $path
    }
    set total [expr {[clock microseconds] - $start}]
    if {$best eq "" || $total < $best} {
        set best $total
    }
}
puts [expr {$best / 1e6}]
