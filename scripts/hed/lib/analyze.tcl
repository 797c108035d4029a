# analyze.tcl --
#
#	The analysis stage of the HED workflow. Workers compute, per run file,
#	its statistics and a mergeable partial; the leader merges the partials
#	in file order (so the result does not depend on the number of ranks or
#	on completion order), ranks the drugs, runs bootstrap tasks for the top
#	drugs, and writes OUT/hed.h5, OUT/tables/*.csv, OUT/plots/ and the
#	report (OUT/report.md, OUT/report.html).
#
#	--runs DIR reads the runs that DIR/runs.csv lists, each with its drug,
#	from DIR/run/RUNnnn/test_y_data_predicted.csv. Without runs.csv it
#	reads every DIR/run/RUN*/ folder, named by its run.
#	--csa DIR reads DIR/SOURCE-TARGET/split_K/test_y_data_predicted.csv and
#	adds per source/target matrices of the mean and sd over splits.

namespace eval hedwf {
    variable analyzeSpec {
        runs {dir ""}
        csa {dir ""}
        out {outdir ""}
        top {count 10 1000000}
        bootstrap {count 1000 10000000}
        seed {seed 1 2147483647}
        z-threshold {real 2}
        k {count 10 1000000}
        plots {string 1}
        chunk-bytes {count 67108864 1099511627776}
    }
    # Replicates per bootstrap task, so large B spreads over workers.
    variable bootstrapChunk 250
    # The metrics that CSA matrices are made of.
    variable csaMetrics {mse rmse mae pcc scc r2}
}

# hedwf::analyzeInputs --
#
#	Returns the input files of the stage, sorted, as a list of dicts
#	{path P name N drug D source S target T split K}. The option
#	failed-runs, when present, lists runs to leave out because their
#	leave-one-drug-out task failed. Raises an error naming the folder when
#	it holds no predictions file, or when a listed run has none.
proc hedwf::analyzeInputs {options} {
    set inputs {}
    if {[dict get $options runs] ne ""} {
        set root [dict get $options runs]
        set failed [expr {[dict exists $options failed-runs] ? [dict get $options failed-runs] : {}}]
        set drugOf [dict create]
        set smilesOf [dict create]
        set mapping [file join $root runs.csv]
        if {[file isfile $mapping]} {
            foreach row [readCsv $mapping] {
                if {![dict exists $row run] || ![dict exists $row drug]} {
                    return -code error -errorcode [list HED INPUT PARSE $mapping 1] \
                        "$mapping: expected the columns run and drug"
                }
                dict set drugOf [dict get $row run] [dict get $row drug]
                if {[dict exists $row smiles]} {
                    dict set smilesOf [dict get $row drug] [dict get $row smiles]
                }
            }
            # Folders that runs.csv does not list are ignored, because they
            # are left over from another study written into the same folder.
            set folders [lmap run [dict keys $drugOf] {file join $root run $run}]
            set missingHint "rerun 'hedflow hed lodo' with the options that wrote \"$mapping\""
        } else {
            set folders [glob -nocomplain -types d -directory [file join $root run] *]
            set missingHint "rerun that run or remove the folder"
        }
        foreach folder [lsort $folders] {
            set run [file tail $folder]
            if {$run in $failed} {
                continue
            }
            set path [file join $folder test_y_data_predicted.csv]
            if {![file exists $path]} {
                return -code error -errorcode [list HED INPUT MISSING $path] \
                    "run folder \"$folder\" has no test_y_data_predicted.csv; $missingHint"
            }
            if {![file readable $path]} {
                return -code error -errorcode [list HED INPUT OPEN $path] \
                    "cannot read \"$path\": check its permissions"
            }
            set drug [expr {[dict exists $drugOf $run] ? [dict get $drugOf $run] : $run}]
            set smiles [expr {[dict exists $smilesOf $drug] ? [dict get $smilesOf $drug] : ""}]
            lappend inputs [dict create path $path name $run drug $drug smiles $smiles \
                source "" target "" split ""]
        }
        if {[llength $inputs] == 0} {
            return -code error -errorcode [list HED INPUT MISSING $root] \
                "no run folders in \"[file join $root run]\"; expected run/RUNnnn/test_y_data_predicted.csv"
        }
    } else {
        set root [dict get $options csa]
        # Relative paths split at slashes: file tail and file join would
        # read a folder named ~study as a home folder.
        set files [lsort [glob -nocomplain -tails -directory $root */split_*/test_y_data_predicted.csv]]
        set folders [lsort -unique [lmap file $files {lindex [split $file /] 0}]]
        set studies [dict create]
        foreach folder $folders pair [hed::study_pairs $folders] {
            dict set studies $folder $pair
        }
        foreach file $files {
            lassign [split $file /] pair splitFolder
            set split [string range $splitFolder 6 end]
            lassign [dict get $studies $pair] source target
            lappend inputs [dict create path $root/$file name $pair/split_$split drug "" smiles "" \
                source $source target $target split $split]
        }
        if {[llength $inputs] == 0} {
            return -code error -errorcode [list HED INPUT MISSING $root] \
                "no predictions in \"$root\"; expected SOURCE-TARGET/split_K/test_y_data_predicted.csv"
        }
    }
    return $inputs
}

# hedwf::fileTask --
#
#	The task of one predictions file, on a worker: returns a dict with the
#	file's statistics (hed::metrics) and its mergeable partial.
proc hedwf::fileTask {path drug} {
    set options {}
    if {$drug ne ""} {
        set options [list -drug $drug]
    }
    return [hed::file_statistics $path {*}$options]
}

# hedwf::chunkTask --
#
#	The task of one chunk of a large file: returns the partial of the
#	data lines that start in the byte range [start, end).
proc hedwf::chunkTask {path drug start end} {
    set options [list -range_start $start -range_end $end]
    if {$drug ne ""} {
        lappend options -drug $drug
    }
    return [hed::partial_file $path {*}$options]
}

# hedwf::spearmanTask --
#
#	The task that computes Spearman's correlation of a file read in
#	chunks: ranks need every record at once, so they do not merge.
proc hedwf::spearmanTask {path} {
    return [dict get [hed::metrics $path] scc]
}

# hedwf::mergedStatistics --
#
#	Returns the result of a file read in chunks, in the layout of
#	hed::file_statistics: the merged partial and its statistics, with scc
#	from hedwf::spearmanTask.
proc hedwf::mergedStatistics {partials scc} {
    set merged [hed::partial_merge {*}$partials]
    set metrics [hed::partial_result $merged]
    dict set metrics scc $scc
    return [dict create metrics $metrics partial $merged]
}

# hedwf::studyTask --
#
#	The task that needs every record at once, on one worker: the error
#	distribution (histogram, quantiles, normality, QQ), sensitivity, the
#	summary with Spearman, and the per-cell tables. Returns the tables
#	as hed::analysis does, with 2,000 QQ points at most.
proc hedwf::studyTask {paths k} {
    set tables [hed::analysis $paths -k $k -replicates 1 -qq_points 2000]
    return [dict filter $tables key summary sensitivity error_histogram error_quantiles normality qq cells_ranking]
}

# hedwf::bootstrapSeed --
#
#	Returns the bootstrap seed of one drug: it depends on the run's seed
#	and the drug only, so it is the same for any number of ranks.
proc hedwf::bootstrapSeed {seed drug} {
    return [expr {($seed * 1000003 + [zlib crc32 $drug]) % 2147483647}]
}

# hedwf::analyzeStage --
#
#	Runs the stage on the leader and writes every output. Returns a dict
#	{tables DICT outputs DICT failed LIST staging DIR} for the report, where failed
#	lists the runs left out (option failed-runs).
proc hedwf::analyzeStage {options} {
    variable bootstrapChunk
    set out [dict get $options out]
    set inputs [analyzeInputs $options]
    set paths [lmap input $inputs {dict get $input path}]
    set stamp [stamp $paths]
    # The stamp reads modification times in whole seconds, so run files
    # rewritten with other options within a second can keep it. The
    # configuration record of the runs (see restart.tcl) tells them apart.
    if {[dict get $options runs] ne ""} {
        set record [lodoRecordPath [dict get $options runs]]
        if {[file isfile $record]} {
            append stamp - [format %08x [zlib crc32 [readText $record]]]
        }
    }
    turbine::log info "analyze: [llength $inputs] files, output $out"

    # The whole-study task is the longest, so it goes first.
    set studyFuture [turbine::submit -priority 1 -key "analyze/$stamp/study/k[dict get $options k]" \
        [list hedwf::studyTask $paths [dict get $options k]]]
    # One task per file, or per chunk of --chunk-bytes of a larger file.
    set chunkBytes [dict get $options chunk-bytes]
    set futuresOf {}
    foreach input $inputs {
        set path [dict get $input path]
        set key "analyze/$stamp/file/[dict get $input name]"
        set size [file size $path]
        if {$size <= $chunkBytes} {
            lappend futuresOf [list whole [turbine::submit -key $key \
                [list hedwf::fileTask $path [dict get $input drug]]]]
            continue
        }
        set futures [list [turbine::submit -key $key/scc [list hedwf::spearmanTask $path]]]
        for {set start 0} {$start < $size} {incr start $chunkBytes} {
            set end [expr {$start + $chunkBytes}]
            lappend futures [turbine::submit -key $key/chunk/$start-$end \
                [list hedwf::chunkTask $path [dict get $input drug] $start $end]]
        }
        lappend futuresOf [list chunks {*}$futures]
    }
    set results {}
    foreach entry $futuresOf {
        set values [turbine::waitall [lrange $entry 1 end]]
        if {[lindex $entry 0] eq "whole"} {
            lappend results [lindex $values 0]
        } else {
            lappend results [mergedStatistics [lrange $values 1 end] [lindex $values 0]]
        }
    }
    turbine::log info "analyze: statistics of [llength $results] files merged"

    set tables [dict create]
    set merged [hed::partial_merge {*}[lmap result $results {dict get $result partial}]]
    set overall [hed::partial_result $merged]
    dict set tables ranges10 [rangeTable [dict get $overall ranges10]]
    dict set tables ranges2 [rangeTable [dict get $overall ranges2]]
    dict set tables files [filesTable $inputs $results]

    set study [turbine::wait $studyFuture]
    turbine::log info "analyze: whole-study tables received"
    foreach name {summary sensitivity error_histogram error_quantiles normality qq} {
        if {[dict exists $study $name]} {
            dict set tables $name [tableCsv [dict get $study $name]]
        }
    }

    if {[dict get $options runs] ne ""} {
        set ranking [drugTables $options $inputs $results $stamp]
        dict set tables drugs [dict get $ranking drugs]
        dict set tables hed_ranking [dict get $ranking hed_ranking]
        if {[dict exists $study cells_ranking]} {
            dict set tables cells [tableCsv [dict get $study cells_ranking]]
        }
    } else {
        dict for {name text} [csaTables $inputs $results] {
            dict set tables $name $text
        }
    }

    # The outputs go to a staging folder and replace the earlier ones only
    # once all are written (hedwf::publishOutputs, after the report), so a
    # failure leaves the previous set whole instead of half replaced.
    set staging [file join $out .hedflow staging]
    file delete -force $staging
    file mkdir $staging
    set outputs [hed::write_tables $tables [file join $staging hed.h5] [file join $staging tables] \
        [file join $staging plots] [dict get $options plots]]
    turbine::log info "analyze: outputs written to $staging"
    foreach message [dict get $outputs messages] {
        turbine::log -always warn "analyze: $message"
    }
    set failed [expr {[dict exists $options failed-runs] ? [dict get $options failed-runs] : {}}]
    return [dict create tables $tables outputs $outputs failed $failed staging $staging]
}

# hedwf::tableCsv --
#
#	Returns CSV text of a table in the {columns LIST rows LIST} layout of
#	the hed package; undefined values become empty fields.
proc hedwf::tableCsv {table} {
    set rows [lmap row [dict get $table rows] {
        lmap value $row {formatNumber $value}
    }]
    return [csvText [dict get $table columns] $rows]
}

# hedwf::rangeTable --
#
#	Returns CSV text of an AUC range table from merged statistics: one row
#	per range, then the out-of-range row (AUC outside [0, 1]).
proc hedwf::rangeTable {ranges} {
    set rows {}
    foreach bin [dict get $ranges bins] {
        set lo [dict get $bin lo]
        set hi [dict get $bin hi]
        set close [expr {$hi == 1.0 ? "\]" : ")"}]
        lappend rows [list [formatNumber $lo] [formatNumber $hi] [dict get $bin n] \
            [formatNumber [dict get $bin mae]] [formatNumber [dict get $bin rmse]] \
            [formatNumber [dict get $bin mean_error]] "\[$lo, $hi$close"]
    }
    set outside [dict get $ranges out_of_range]
    lappend rows [list "" "" [dict get $outside n] [formatNumber [dict get $outside mae]] \
        [formatNumber [dict get $outside rmse]] [formatNumber [dict get $outside mean_error]] "out of range"]
    return [csvText {lo hi n mae rmse mean_error range} $rows]
}

# hedwf::filesTable --
#
#	Returns CSV text of the statistics of every input file.
proc hedwf::filesTable {inputs results} {
    set rows {}
    foreach input $inputs result $results {
        set metrics [dict get $result metrics]
        set row [list [dict get $input name] [dict get $input drug] [dict get $input source] \
            [dict get $input target] [dict get $input split]]
        foreach name {n mse rmse mae pcc scc r2 mean_error sd_error skewness excess_kurtosis} {
            lappend row [formatNumber [dict get $metrics $name]]
        }
        lappend rows $row
    }
    return [csvText {file drug source target split n mse rmse mae pcc scc r2 mean_error sd_error
        skewness excess_kurtosis} $rows]
}

# hedwf::drugTables --
#
#	Builds the per-drug table and the HED ranking: standardized RMSE
#	(z_rmse), rank, high error flag (z above the threshold), and bootstrap
#	confidence intervals of mean error and RMSE for the top drugs, computed
#	by tasks of bootstrapChunk replicates. Returns {drugs CSV hed_ranking CSV}.
proc hedwf::drugTables {options inputs results stamp} {
    variable bootstrapChunk
    set names {}
    set rmses {}
    foreach input $inputs result $results {
        lappend names [dict get $input drug]
        lappend rmses [dict get $result metrics rmse]
    }
    set scores [hed::standardized_scores $names $rmses [dict get $options top] [dict get $options z-threshold]]
    set scoreOf [dict create]
    foreach score [dict get $scores scores] {
        dict set scoreOf [dict get $score name] $score
    }
    set top [dict get $scores top]

    # Bootstrap tasks for the top drugs, split into chunks of replicates.
    set replicates [dict get $options bootstrap]
    set chunks [dict create]
    foreach input $inputs {
        set drug [dict get $input drug]
        if {$drug ni $top} {
            continue
        }
        set seed [bootstrapSeed [dict get $options seed] $drug]
        for {set first 0} {$first < $replicates} {incr first $bootstrapChunk} {
            set count [expr {min($bootstrapChunk, $replicates - $first)}]
            dict lappend chunks $drug [turbine::submit \
                -key "analyze/$stamp/bootstrap/$drug/$seed/$first/$count" \
                [list hed::bootstrap_file [dict get $input path] $seed $first $count]]
        }
    }
    set intervals [dict create]
    dict for {drug futures} $chunks {
        set flat [concat {*}[turbine::waitall $futures]]
        dict set intervals $drug [hed::bootstrap_interval $flat 0.95]
    }

    set rows {}
    set rankingRows {}
    foreach input $inputs result $results {
        set drug [dict get $input drug]
        set metrics [dict get $result metrics]
        set score [dict get $scoreOf $drug]
        set high [expr {$drug in [dict get $scores above_threshold]}]
        set bounds {"" "" "" ""}
        if {[dict exists $intervals $drug]} {
            set interval [dict get $intervals $drug]
            set bounds [list {*}[dict get $interval mean_error] {*}[dict get $interval rmse]]
        }
        lappend rows [list $drug [dict get $metrics n] \
            {*}[lmap name {mean_error sd_error rmse mae} {formatNumber [dict get $metrics $name]}] \
            [formatNumber [dict get $metrics mae_poly 1]] [formatNumber [dict get $score z]] \
            [formatNumber [dict get $score robust_z]] [dict get $score rank] $high \
            {*}[lmap bound $bounds {formatNumber $bound}] [dict get $input smiles]]
        lappend rankingRows [list [dict get $score rank] $drug [formatNumber [dict get $metrics rmse]] \
            [formatNumber [dict get $score z]] [formatNumber [dict get $score robust_z]] $high]
    }
    set rows [lsort -integer -index 9 $rows]
    set rankingRows [lsort -integer -index 0 $rankingRows]
    # The ranking plot reads the drug from column 1 and z from column 3.
    set rankingRows [lmap row $rankingRows {list {*}[lrange $row 1 end] [lindex $row 0]}]
    return [dict create \
        drugs [csvText {drug n mean_error sd_error rmse mae mae_poly z_rmse robust_z_rmse rank is_hed
            mean_error_lo mean_error_hi rmse_lo rmse_hi smiles} $rows] \
        hed_ranking [csvText {drug rmse z robust_z high_error rank} $rankingRows]]
}

# hedwf::csaTables --
#
#	Returns {csa/METRIC_mean CSV csa/METRIC_sd CSV ...}: per source (rows)
#	and target (columns), the mean and sd (ddof 1) over splits of each
#	metric of the per-file statistics.
proc hedwf::csaTables {inputs results} {
    variable csaMetrics
    set values [dict create]
    set sources {}
    set targets {}
    foreach input $inputs result $results {
        set source [dict get $input source]
        set target [dict get $input target]
        lappend sources $source
        lappend targets $target
        foreach metric $csaMetrics {
            dict lappend values $metric,$source,$target [dict get $result metrics $metric]
        }
    }
    set sources [lsort -unique $sources]
    set targets [lsort -unique $targets]
    set tables [dict create]
    foreach metric $csaMetrics {
        foreach statistic {mean sd} {
            set rows {}
            foreach source $sources {
                set row [list $source]
                foreach target $targets {
                    set key $metric,$source,$target
                    set numbers [expr {[dict exists $values $key] ? [dict get $values $key] : {}}]
                    lappend row [formatNumber [summarize $statistic $numbers]]
                }
                lappend rows $row
            }
            dict set tables csa/${metric}_$statistic [csvText [list source {*}$targets] $rows]
        }
    }
    return $tables
}

# hedwf::summarize --
#
#	Returns the mean or the sd (ddof 1) of the defined numbers, or an
#	empty string when there are too few.
proc hedwf::summarize {statistic numbers} {
    set numbers [lsearch -all -inline -not -exact $numbers ""]
    set n [llength $numbers]
    if {$n == 0 || ($statistic eq "sd" && $n < 2)} {
        return ""
    }
    set mean [expr {[tcl::mathop::+ {*}$numbers] / double($n)}]
    if {$statistic eq "mean"} {
        return $mean
    }
    set squares 0.0
    foreach number $numbers {
        set squares [expr {$squares + ($number - $mean) ** 2}]
    }
    return [expr {sqrt($squares / ($n - 1))}]
}
