# journal.tcl --
#
#	The restart journal. With `turbine::init -journal FILE`, every rank
#	that completes a task submitted with -key appends the key and the
#	task's result to its own shard, FILE.rank<R>, and syncs it to disk
#	before the result is stored, so a result the leader has seen is never
#	missing from the journal. A rerun reads every shard, whatever the rank
#	count of the run that wrote it, and answers those keys without running
#	their tasks again.
#
#	A record is the line "hedflow-journal KEYBYTES VALUEBYTES", then the
#	UTF-8 bytes of the key and of the value, then a newline. A record cut
#	short by a crash is ignored when the journal is read.

namespace eval turbine {
    variable journalBase ""
    variable journalChannel ""
    variable journalEntries [dict create]
}

# turbine::journalCheckFolder --
#
#	Raises an error naming the folder of the journal base path when it
#	does not exist.
proc turbine::journalCheckFolder {base} {
    set folder [file dirname $base]
    if {![file isdirectory $folder]} {
        return -code error -errorcode [list TURBINE JOURNAL MISSING $folder] \
            "journal folder \"$folder\" does not exist; create it or choose another -journal path"
    }
}

# turbine::journalOpen --
#
#	Sets the journal base path and, on this rank, opens its shard for
#	appending. Raises an error naming the path when it cannot be written.
proc turbine::journalOpen {base rank} {
    variable journalBase
    variable journalChannel
    set journalBase $base
    journalCheckFolder $base
    set shard $base.rank$rank
    # A run killed while writing left a torn record at the end of this
    # rank's shard. Records appended after it would be read as its rest,
    # so it is cut off first.
    if {[file exists $shard]} {
        set channel [open $shard {RDWR BINARY}]
        set complete [journalParse $shard [read $channel]]
        if {$complete < [file size $shard]} {
            log -always warn "journal $shard: removing a record cut short at byte $complete, left by a run that was killed"
            chan truncate $channel $complete
        }
        close $channel
    }
    if {[catch {open $shard {WRONLY CREAT APPEND BINARY}} channel]} {
        return -code error -errorcode [list TURBINE JOURNAL OPEN $shard] \
            "cannot open journal \"$shard\" for appending: $channel"
    }
    set journalChannel $channel
}

# turbine::journalLoad --
#
#	Reads every shard of the journal into turbine::journalEntries (key to
#	result). Returns the number of keys found.
proc turbine::journalLoad {} {
    variable journalBase
    variable journalEntries
    set journalEntries [dict create]
    foreach shard [lsort [glob -nocomplain -- $journalBase.rank*]] {
        set channel [open $shard rb]
        set data [read $channel]
        close $channel
        journalParse $shard $data
    }
    return [dict size $journalEntries]
}

# turbine::journalParse --
#
#	Adds the complete records of one shard's bytes to the entries; the
#	first result recorded for a key wins. A torn record ends the shard.
#	Returns the length of the complete records.
proc turbine::journalParse {shard data} {
    variable journalEntries
    set position 0
    set length [string length $data]
    while {$position < $length} {
        set newline [string first \n $data $position]
        if {$newline < 0} {
            break
        }
        set header [string range $data $position [expr {$newline - 1}]]
        if {![regexp {^hedflow-journal (\d+) (\d+)$} $header -> keyBytes valueBytes]} {
            turbine::log -always warn "journal $shard: unreadable record at byte $position; ignoring the rest of this shard"
            break
        }
        set start [expr {$newline + 1}]
        set end [expr {$start + $keyBytes + $valueBytes}]
        if {$end >= $length || [string index $data $end] ne "\n"} {
            # The run was killed while writing this record.
            break
        }
        set key [encoding convertfrom utf-8 [string range $data $start [expr {$start + $keyBytes - 1}]]]
        set value [encoding convertfrom utf-8 [string range $data [expr {$start + $keyBytes}] [expr {$end - 1}]]]
        if {![dict exists $journalEntries $key]} {
            dict set journalEntries $key $value
        }
        set position [expr {$end + 1}]
    }
    return $position
}

# turbine::journalLookup --
#
#	Sets the variable named by valueVar to the recorded result of key and
#	returns 1, or returns 0 when key has no record.
proc turbine::journalLookup {key valueVar} {
    variable journalEntries
    upvar 1 $valueVar value
    if {[dict exists $journalEntries $key]} {
        set value [dict get $journalEntries $key]
        return 1
    }
    return 0
}

# turbine::journalRecord --
#
#	Appends key and its result to this rank's shard and syncs it to disk.
#	Does nothing when no journal is open.
proc turbine::journalRecord {key value} {
    variable journalChannel
    if {$journalChannel eq ""} {
        return
    }
    set keyBytes [encoding convertto utf-8 $key]
    set valueBytes [encoding convertto utf-8 $value]
    puts -nonewline $journalChannel \
        "hedflow-journal [string length $keyBytes] [string length $valueBytes]\n$keyBytes$valueBytes\n"
    turbine::fsync $journalChannel
}

# turbine::journalClose --
#
#	Closes this rank's shard, if open.
proc turbine::journalClose {} {
    variable journalChannel
    if {$journalChannel ne ""} {
        close $journalChannel
        set journalChannel ""
    }
}
