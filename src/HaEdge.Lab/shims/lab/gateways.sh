# pfSense's gateway status, from the gateway monitor's files gw/<NAME> (one line: name monitor source delay_us
# stddev_us loss status substatus). Sourced by the php and pfSsh.php shims; POSIX sh, builtins only.

# $_ms: microseconds as pfSense prints a delay, round(x, 3) . "ms" without trailing zeros ("0.052ms", "5ms").
ms() {
    _frac=$(($1 % 1000 + 1000)); _frac=${_frac#1}
    while [ "${_frac%0}" != "$_frac" ]; do _frac=${_frac%0}; done
    _ms=$(($1 / 1000))${_frac:+.$_frac}ms
}

# $gw_rows: one line per gateway, fields as pfSense shows them: name monitorip srcip delay stddev loss status substatus.
read_gateways() {
    gw_rows=""
    for _file in "$FWDIR"/gw/[A-Z]*; do
        read -r _name _monitor _source _delay _stddev _loss _status _substatus 2>/dev/null < "$_file" || continue
        ms "$_delay"; _d=$_ms; ms "$_stddev"
        [ "$_loss" = 0 ] && _loss=0.0
        gw_rows="$gw_rows$_name $_monitor $_source $_d $_ms $_loss% $_status $_substatus
"
    done
}

# return_gateways_status(true) as json_encode prints it.
gateways_json() {
    read_gateways
    _sep=""
    printf '{'
    while read -r _name _monitor _source _delay _stddev _loss _status _substatus; do
        [ -n "$_name" ] || continue
        printf '%s"%s":{"monitorip":"%s","srcip":"%s","name":"%s","delay":"%s","stddev":"%s","loss":"%s","status":"%s","substatus":"%s"}' \
            "$_sep" "$_name" "$_monitor" "$_source" "$_name" "$_delay" "$_stddev" "$_loss" "$_status" "$_substatus"
        _sep=,
    done <<ROWS
$gw_rows
ROWS
    printf '}\n'
}

# return_gateways_status_text(true, false): columns padded to the widest value + 2, the ip columns left-aligned.
# $1 = brief: only Name and Status (Status right-aligned in 8).
gateways_table() {
    read_gateways
    _w1=4 _w2=7 _w3=6 _w4=5 _w5=6 _w6=4 _w7=6 _w8=9   # the headers' lengths
    while read -r _c1 _c2 _c3 _c4 _c5 _c6 _c7 _c8; do
        for _i in 1 2 3 4 5 6 7 8; do
            eval "[ \${#_c$_i} -gt \$_w$_i ] && _w$_i=\${#_c$_i}"
        done
    done <<ROWS
$gw_rows
ROWS
    if [ "$1" = brief ]; then
        _format="%-$((_w1 + 2))s%8s\n"
        printf "$_format" Name Status
        while read -r _c1 _ _ _ _ _ _c7 _; do
            [ -n "$_c1" ] && printf "$_format" "$_c1" "$_c7"
        done <<ROWS
$gw_rows
ROWS
        return 0
    fi
    _format="%-$((_w1 + 2))s%-$((_w2 + 2))s%-$((_w3 + 2))s%$((_w4 + 2))s%$((_w5 + 2))s%$((_w6 + 2))s%$((_w7 + 2))s%$((_w8 + 2))s\n"
    printf "$_format" Name Monitor Source Delay StdDev Loss Status Substatus
    while read -r _c1 _c2 _c3 _c4 _c5 _c6 _c7 _c8; do
        [ -n "$_c1" ] && printf "$_format" "$_c1" "$_c2" "$_c3" "$_c4" "$_c5" "$_c6" "$_c7" "$_c8"
    done <<ROWS
$gw_rows
ROWS
    return 0
}
