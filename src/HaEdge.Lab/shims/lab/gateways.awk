# pfSense's gateway status from the gateway monitor's files (lines: name monitor source delay_us stddev_us loss
# status substatus). mode=json: return_gateways_status(true) as json_encode prints it; mode=table:
# return_gateways_status_text(true, false), columns padded to the widest value + 2, "ip" columns left-aligned.
function ms(us,    s) {
    if (us == 0) return "0ms"
    s = sprintf("%.3f", us / 1000); sub(/0+$/, "", s); sub(/\.$/, "", s)
    return s "ms"
}
function pct(loss) { return loss == 0 ? "0.0%" : loss "%" }
function pad(s, w, left) { return left ? sprintf("%-" w "s", s) : sprintf("%" w "s", s) }
{
    n++; name[n] = $1; val[n, "monitorip"] = $2; val[n, "srcip"] = $3; val[n, "delay"] = ms($4)
    val[n, "stddev"] = ms($5); val[n, "loss"] = pct($6); val[n, "status"] = $7; val[n, "substatus"] = $8
}
END {
    split("monitorip srcip delay stddev loss status substatus", key, " ")
    if (mode == "json") {
        printf "{"
        for (i = 1; i <= n; i++) {
            printf "%s\"%s\":{\"monitorip\":\"%s\",\"srcip\":\"%s\",\"name\":\"%s\"", (i > 1 ? "," : ""), name[i], val[i, "monitorip"], val[i, "srcip"], name[i]
            for (k = 3; k <= 7; k++) printf ",\"%s\":\"%s\"", key[k], val[i, key[k]]
            printf "}"
        }
        print "}"
        exit
    }
    split("Monitor Source Delay StdDev Loss Status Substatus", head, " ")
    wname = 4
    for (i = 1; i <= n; i++) if (length(name[i]) > wname) wname = length(name[i])
    for (k = 1; k <= 7; k++) {
        w[k] = length(head[k])
        for (i = 1; i <= n; i++) if (length(val[i, key[k]]) > w[k]) w[k] = length(val[i, key[k]])
    }
    line = pad("Name", wname + 2, 1)
    for (k = 1; k <= 7; k++) line = line pad(head[k], w[k] + 2, key[k] ~ /ip$/)
    print line
    for (i = 1; i <= n; i++) {
        line = pad(name[i], wname + 2, 1)
        for (k = 1; k <= 7; k++) line = line pad(val[i, key[k]], w[k] + 2, key[k] ~ /ip$/)
        print line
    }
}
