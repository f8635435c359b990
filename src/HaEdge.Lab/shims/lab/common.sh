# Sourced by every pfSense command shim: loads the firewall's lab settings (login-shell exports HAEDGE_LAB_FWDIR).
if [ -z "$HAEDGE_LAB_FWDIR" ] || [ ! -r "$HAEDGE_LAB_FWDIR/fw.env" ]; then
    echo "${0##*/}: not inside a HaEdge lab firewall (HAEDGE_LAB_FWDIR unset)" >&2
    exit 1
fi
. "$HAEDGE_LAB_FWDIR/fw.env"
PATH=/usr/sbin:/usr/bin:/sbin:/bin
shopt -s nullglob   # no gateway files yet: read nothing rather than a literal pattern
LAB_SHIMS=${BASH_SOURCE[0]%/*}

# The advskew every VIP is configured with: 254 in persistent maintenance mode.
configured_advskew() {
    if [ -e "$FWDIR/persist/maintenance" ]; then echo 254; else echo "$BASE_ADVSKEW"; fi
}

# 0 when the process named in the pid file runs.
pid_alive() { local pid; read -r pid < "$1" 2>/dev/null && kill -0 "$pid" 2>/dev/null; }

# conntrackd of this firewall runs: it holds its lock file from start to exit (only the VM's power-off, which
# also takes the firewall off the network, leaves it behind, and the next boot removes it).
conntrackd_alive() { [ -e "$FWDIR/conntrackd.lock" ]; }
