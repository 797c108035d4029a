# log.tcl --
#
#	turbine::log: one levelled logger for every rank. Each line carries a
#	UTC timestamp, the level and the rank, and goes to stderr. The level
#	comes from TURBINE_LOG_LEVEL (debug, info, warn or error; default
#	warn). Task failures, retries and timeouts are logged at "error" or
#	"warn" with -always, so they appear whatever the level.

namespace eval turbine {
    variable logLevels {debug 0 info 1 warn 2 error 3}
    variable logThreshold 2
    variable logRank ?
}

# turbine::logConfigure --
#
#	Reads TURBINE_LOG_LEVEL and remembers this process's rank for the
#	prefix. An unknown level is an error naming the valid ones.
proc turbine::logConfigure {rank} {
    variable logLevels
    variable logThreshold
    variable logRank
    set logRank $rank
    if {![info exists ::env(TURBINE_LOG_LEVEL)] || $::env(TURBINE_LOG_LEVEL) eq ""} {
        return
    }
    set level [string tolower $::env(TURBINE_LOG_LEVEL)]
    if {![dict exists $logLevels $level]} {
        return -code error -errorcode {TURBINE ARGUMENT LOG_LEVEL} \
            "invalid TURBINE_LOG_LEVEL \"$::env(TURBINE_LOG_LEVEL)\": use one of [join [dict keys $logLevels] {, }]"
    }
    set logThreshold [dict get $logLevels $level]
}

# turbine::log --
#
#	Usage: turbine::log ?-always? LEVEL MESSAGE
#
#	Writes MESSAGE to stderr when LEVEL is at or above the configured
#	level, or always with -always. Returns nothing.
proc turbine::log {args} {
    variable logLevels
    variable logThreshold
    variable logRank

    set always 0
    if {[lindex $args 0] eq "-always"} {
        set always 1
        set args [lrange $args 1 end]
    }
    if {[llength $args] != 2} {
        return -code error -errorcode {TCL WRONGARGS} \
            {wrong # args: should be "turbine::log ?-always? level message"}
    }
    lassign $args level message
    if {![dict exists $logLevels $level]} {
        return -code error -errorcode {TURBINE ARGUMENT LOG_LEVEL} \
            "invalid log level \"$level\": use one of [join [dict keys $logLevels] {, }]"
    }
    if {!$always && [dict get $logLevels $level] < $logThreshold} {
        return
    }
    set now [clock milliseconds]
    set stamp [clock format [expr {$now / 1000}] -format %Y-%m-%dT%H:%M:%S -gmt 1]
    set line [format "%s.%03dZ %-5s \[rank %s\] %s" $stamp [expr {$now % 1000}] $level $logRank $message]
    # One write per line: with stderr unbuffered, puts writes the newline
    # separately, and lines of ranks that share the launcher's pipe mix.
    puts -nonewline stderr "$line\n"
    flush stderr
}
