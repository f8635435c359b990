# Renders FreeBSD 14 / pfSense `ifconfig` from the lab firewall's live state. Input sections (from the ifconfig
# shim): #carp (vhid iface vip prefix macvlan), #state (vhid keepalived-state), #link (ip -o link),
# #addr (ip -o -4 addr). Variables: want (one interface or ""), advskew, vrrp_up, sync_ok, syncdev, syncpeer, descs.
function mask_hex(p,    i, s, bits) {
    s = "0x"
    for (i = 0; i < 4; i++) {
        bits = p - 8 * i
        s = s sprintf("%02x", bits >= 8 ? 255 : (bits <= 0 ? 0 : 256 - 2 ^ (8 - bits)))
    }
    return s
}
function broadcast(ip, p,    o, i, bits, blk, v, out) {
    split(ip, o, ".")
    for (i = 1; i <= 4; i++) {
        bits = p - 8 * (i - 1)
        if (bits >= 8) v = o[i]; else if (bits <= 0) v = 255; else { blk = 2 ^ (8 - bits); v = int(o[i] / blk) * blk + blk - 1 }
        out = out (i > 1 ? "." : "") v
    }
    return out
}
function inet_line(ip, p, suffix) {
    return sprintf("\tinet %s netmask %s broadcast %s%s\n", ip, mask_hex(p), broadcast(ip, p), suffix)
}
function carp_state(v, ifname) {
    if (!vrrp_up || !carrier[ifname] || !admin_up[ifname]) return "INIT"
    if ((carp_dev[v] SUBSEP carp_vip[v]) in vip_present) return "MASTER"
    if (vstate[v] == "BACKUP" || vstate[v] == "MASTER") return "BACKUP"
    return "INIT"
}
function vtnet_block(n,    out, flags, bits, a, i, v, list) {
    if (admin_up[n]) {
        flags = carrier[n] ? "1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP>" : "8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST>"
    } else {
        flags = "8802<BROADCAST,SIMPLEX,MULTICAST>"
    }
    out = sprintf("%s: flags=%s metric 0 mtu %s\n", n, flags, mtu[n])
    if (n in desc) out = out sprintf("\tdescription: %s\n", desc[n])
    out = out "\toptions=800a8<VLAN_MTU,JUMBO_MTU,VLAN_HWCSUM,LINKSTATE>\n"
    out = out sprintf("\tether %s\n", mac[n])
    split(addrs[n], a, " ")
    for (i = 1; i in a; i++) { split(a[i], bits, "/"); out = out inet_line(bits[1], bits[2], "") }
    split(vhids_of[n], list, " ")
    for (i = 1; i in list; i++) { v = list[i]; out = out inet_line(carp_vip[v], carp_pfx[v], " vhid " v) }
    for (i = 1; i in list; i++) {
        v = list[i]
        out = out sprintf("\tcarp: %s vhid %d advbase 1 advskew %d\n", carp_state(v, n), v, advskew)
        out = out "\t      peer 224.0.0.18 peer6 ff02::12\n"
    }
    out = out "\tmedia: Ethernet autoselect (10Gbase-T <full-duplex>)\n"
    out = out sprintf("\tstatus: %s\n", carrier[n] && admin_up[n] ? "active" : "no carrier")
    out = out "\tnd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>\n"
    return out
}
BEGIN {
    split(descs, d, " ")
    for (i = 1; i in d; i++) { split(d[i], kv, "="); desc[kv[1]] = kv[2] }
}
/^#carp$/ { section = "carp"; next }
/^#state$/ { section = "state"; next }
/^#link$/ { section = "link"; next }
/^#addr$/ { section = "addr"; next }
section == "carp" {
    carp_if[$1] = $2; carp_vip[$1] = $3; carp_pfx[$1] = $4; carp_dev[$1] = $5
    vhids_of[$2] = vhids_of[$2] " " $1
    next
}
section == "state" { vstate[$1] = $2; next }
section == "link" {
    name = $2; sub(/:$/, "", name); sub(/@.*/, "", name)
    admin_up[name] = ($3 ~ /[<,]UP[,>]/)
    carrier[name] = ($3 ~ /LOWER_UP/)
    for (i = 4; i < NF; i++) { if ($i == "mtu") mtu[name] = $(i + 1); if ($i == "link/ether") mac[name] = $(i + 1) }
    if (name ~ /^vtnet[0-9]+$/) order[++count] = name
    next
}
section == "addr" {
    if ($3 != "inet") next
    split($4, ipp, "/")
    if ($2 ~ /^carp[0-9]+$/) vip_present[$2 SUBSEP ipp[1]] = 1
    else addrs[$2] = addrs[$2] " " $4
    next
}
END {
    for (i = 1; i <= count; i++) blocks[order[i]] = vtnet_block(order[i])
    blocks["lo0"] = "lo0: flags=1008049<UP,LOOPBACK,RUNNING,MULTICAST,LOWER_UP> metric 0 mtu 16384\n" \
        "\toptions=680003<RXCSUM,TXCSUM,LINKSTATE,RXCSUM_IPV6,TXCSUM_IPV6>\n" \
        "\tinet 127.0.0.1 netmask 0xff000000\n\tgroups: lo\n\tnd6 options=21<PERFORMNUD,AUTO_LINKLOCAL>\n"
    blocks["pflog0"] = "pflog0: flags=100<PROMISC> metric 0 mtu 33152\n\tgroups: pflog\n"
    blocks["pfsync0"] = "pfsync0: flags=41<UP,RUNNING> metric 0 mtu 1500\n" \
        sprintf("\tsyncdev: %s syncpeer: %s maxupd: 128 defer: off version: 1400\n", syncdev, syncpeer) \
        sprintf("\tsyncok: %d\n", sync_ok) "\tgroups: pfsync\n"
    order[++count] = "lo0"; order[++count] = "pflog0"; order[++count] = "pfsync0"
    if (want != "") {
        if (!(want in blocks)) { printf "ifconfig: interface %s does not exist\n", want > "/dev/stderr"; exit 1 }
        printf "%s", blocks[want]
        exit 0
    }
    for (i = 1; i <= count; i++) printf "%s", blocks[order[i]]
}
