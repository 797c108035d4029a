# files.tcl --
#
#	Small file helpers of the hed workflow: atomic writes, CSV text, and a
#	stamp that changes when an input file changes (journal keys carry it,
#	so a rerun on changed inputs does not reuse old results).

package require csv

namespace eval hedwf {}

# hedwf::writeAtomically --
#
#	Writes text to path through a temporary file in the same folder that is
#	renamed into place, so readers never see a partial file.
proc hedwf::writeAtomically {path text} {
    set temporary $path.tmp-[pid]
    set channel [open $temporary w]
    fconfigure $channel -encoding utf-8 -translation lf
    try {
        puts -nonewline $channel $text
    } finally {
        close $channel
    }
    file rename -force $temporary $path
}

namespace eval hedwf {
    # The files and folders of an analysis in its output folder.
    variable analysisOutputs {hed.h5 tables plots report.html report.md}
}

# hedwf::publishOutputs --
#
#	Moves the analysis outputs of staging into out, replacing those of the
#	same name, and removes those that staging lacks (plots with --plots 0),
#	so out never mixes two analyses; then removes staging. A folder is
#	swapped whole by two renames.
proc hedwf::publishOutputs {staging out} {
    variable analysisOutputs
    set replaced [file join [file dirname $staging] replaced]
    file delete -force $replaced
    file mkdir $replaced
    foreach name $analysisOutputs {
        set path [file join $staging $name]
        set target [file join $out $name]
        if {[file isdirectory $target] || ([file exists $target] && ![file exists $path])} {
            file rename $target [file join $replaced $name]
        }
        if {[file exists $path]} {
            file rename -force $path $target
        }
    }
    if {[catch {file delete -force $replaced $staging} message]} {
        turbine::log -always warn "cannot remove the replaced outputs in \"$replaced\": $message"
    }
}

# hedwf::csvText --
#
#	Returns CSV text for a header (a list of names) and rows (a list of
#	lists), quoting fields only where CSV needs it.
proc hedwf::csvText {header rows} {
    set lines [list [csv::join $header]]
    foreach row $rows {
        lappend lines [csv::join $row]
    }
    return "[join $lines \n]\n"
}

# hedwf::readCsv --
#
#	Reads a CSV file with a header line. Returns a list of dicts, one per
#	row, keyed by the header names.
proc hedwf::readCsv {path} {
    set channel [open $path r]
    set lines [split [string trimright [read $channel] \n] \n]
    close $channel
    set header [csv::split [lindex $lines 0]]
    set rows {}
    foreach line [lrange $lines 1 end] {
        set row [dict create]
        foreach name $header value [csv::split $line] {
            dict set row $name $value
        }
        lappend rows $row
    }
    return $rows
}

# hedwf::stamp --
#
#	Returns a short text that changes when any of the files changes: their
#	sizes and modification times, hashed.
proc hedwf::stamp {paths} {
    set text ""
    foreach path $paths {
        file stat $path info
        append text "$path $info(size) $info(mtime)\n"
    }
    return [format %08x [zlib crc32 $text]]
}

# hedwf::formatNumber --
#
#	Returns a table value as text. Tcl already writes a double in the
#	shortest form that reads back as the same double, so numbers pass
#	through; the proc marks the places where numbers become table text.
proc hedwf::formatNumber {value} {
    return $value
}

# hedwf::readText --
#
#	Returns the whole text of a file.
proc hedwf::readText {path} {
    set channel [open $path r]
    try {
        return [read $channel]
    } finally {
        close $channel
    }
}
