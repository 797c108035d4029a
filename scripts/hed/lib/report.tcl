# report.tcl --
#
#	The one-page report of an analysis, as Markdown (OUT/report.md) and
#	HTML (OUT/report.html): the metric summary, the high error drugs, the
#	AUC range tables, CSA matrices and the plots. Both are plain files that
#	any browser or text viewer reads; the HTML embeds no scripts.

package require csv

namespace eval hedwf {
    # Tables shown in the report, in this order, with their headings.
    variable reportSections {
        summary "Metric summary (all records)"
        drugs "Drugs ranked by RMSE (high error drugs: is_hed = 1)"
        ranges10 "Errors by range of the true AUC (10 ranges)"
        ranges2 "Errors by range of the true AUC (2 ranges)"
        sensitivity "Sensitivity classification (AUC below the threshold)"
        normality "Normality of the errors"
        csa/rmse_mean "Cross-study RMSE, mean over splits (rows: source, columns: target)"
        csa/rmse_sd "Cross-study RMSE, sd over splits"
        csa/r2_mean "Cross-study r2, mean over splits"
        csa/scc_mean "Cross-study Spearman correlation, mean over splits"
        cells "Per cell line: recall of the true top-k sensitive drugs, Spearman of drug ranking"
    }
    # Rows shown per table; the CSV copy has them all.
    variable reportRows 25
}

# hedwf::writeReport --
#
#	Writes report.md and report.html from the analysis result
#	(hedwf::analyzeStage) and a title, then moves them and the other
#	outputs from the staging folder into out.
proc hedwf::writeReport {out analysis title} {
    variable reportSections
    set tables [dict get $analysis tables]
    set plots [lmap path [dict get $analysis outputs plots] {
        expr {[file extension $path] eq ".svg" ? [file tail $path] : [continue]}
    }]

    set markdown [list "# $title" "" \
        "Conventions: error = auc_pred - auc_true; sd with ddof 1; Spearman with average ranks;\
AUC range i of k is \[i/k, (i+1)/k) by decimal value, the last closed at 1.0; AUC outside \[0, 1\] is counted\
out of range. Every table is in \`tables/\` as CSV and in \`hed.h5\`." ""]
    set html [list "<!DOCTYPE html>" "<html><head><meta charset=\"utf-8\"><title>[HtmlEscape $title]</title>" \
        "<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin-bottom:1.5em}\
td,th{border:1px solid #bbb;padding:2px 6px;text-align:right}th{background:#eee}img{max-width:48%;margin:4px}</style>" \
        "</head><body>" "<h1>[HtmlEscape $title]</h1>" \
        "<p>Conventions: error = auc_pred - auc_true; sd with ddof 1; Spearman with average ranks; AUC range i of k\
is \[i/k, (i+1)/k) by decimal value, the last closed at 1.0; AUC outside \[0, 1\] is counted out of range.\
Every table is in <a href=\"tables/\">tables/</a> as CSV and in <code>hed.h5</code>.</p>"]

    set failed [expr {[dict exists $analysis failed] ? [dict get $analysis failed] : {}}]
    if {[llength $failed] > 0} {
        set text "Runs not analyzed because their task failed: [join $failed {, }].\
            The failure table at the end of the log gives each error."
        lappend markdown "## Failed runs" "" $text ""
        lappend html "<h2>Failed runs</h2>" "<p>[HtmlEscape $text]</p>"
    }

    foreach {name heading} $reportSections {
        if {![dict exists $tables $name]} {
            continue
        }
        lassign [TableRows [dict get $tables $name]] header rows total
        set file tables/[string map {/ _} $name].csv
        set shown [expr {$total > [llength $rows] ? " (first [llength $rows] of $total rows; all in $file)" : ""}]
        lappend markdown "## $heading" "" [MarkdownTable $header $rows] "" "Source: \[$file\]($file)$shown" ""
        lappend html "<h2>[HtmlEscape $heading]</h2>" [HtmlTable $header $rows] \
            "<p>Source: <a href=\"$file\">$file</a>[HtmlEscape $shown]</p>"
    }

    if {[llength $plots] > 0} {
        lappend markdown "## Plots" ""
        lappend html "<h2>Plots</h2><p>"
        foreach plot $plots {
            lappend markdown "!\[$plot\](plots/$plot)"
            lappend html "<a href=\"plots/$plot\"><img src=\"plots/$plot\" alt=\"$plot\"></a>"
        }
        lappend html "</p>"
    }
    lappend html "</body></html>"

    set staging [dict get $analysis staging]
    writeAtomically [file join $staging report.md] "[join $markdown \n]\n"
    writeAtomically [file join $staging report.html] "[join $html \n]\n"
    publishOutputs $staging $out
}

# hedwf::TableRows --
#
#	Returns {header rows total} of CSV text, rows cut to reportRows.
proc hedwf::TableRows {text} {
    variable reportRows
    set lines [split [string trimright $text \n] \n]
    set header [csv::split [lindex $lines 0]]
    set rows [lmap line [lrange $lines 1 $reportRows] {csv::split $line}]
    return [list $header $rows [expr {[llength $lines] - 1}]]
}

proc hedwf::MarkdownTable {header rows} {
    set lines [list "| [join $header { | }] |" "|[string repeat ---| [llength $header]]"]
    foreach row $rows {
        lappend lines "| [join [lmap value $row {string map {| \\|} [ShortNumber $value]}] { | }] |"
    }
    return [join $lines \n]
}

proc hedwf::HtmlTable {header rows} {
    set lines [list "<table><tr>[join [lmap name $header {string cat <th> [HtmlEscape $name] </th>}] {}]</tr>"]
    foreach row $rows {
        lappend lines "<tr>[join [lmap value $row {string cat <td> [HtmlEscape [ShortNumber $value]] </td>}] {}]</tr>"
    }
    lappend lines "</table>"
    return [join $lines \n]
}

# hedwf::ShortNumber --
#
#	Returns a number with 4 significant digits for reading; text as is.
proc hedwf::ShortNumber {value} {
    if {[string is double -strict $value] && ![string is entier -strict $value]} {
        return [format %.4g $value]
    }
    return $value
}

proc hedwf::HtmlEscape {text} {
    return [string map {& &amp; < &lt; > &gt; \" &quot;} $text]
}
