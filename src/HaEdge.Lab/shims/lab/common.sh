# Sourced by every pfSense command shim, sh and bash alike (so POSIX only), and by the firewall's own shell through
# shell-rc: the firewall's lab settings. The firewall's sshd sets HAEDGE_LAB_FWDIR and puts the shims first on PATH.
# Speed rule for all shims: every process start costs about 1 ms on an idle machine and tens of ms on a busy one,
# so state is read with shell builtins (read, test, kill -0) from files, /proc and /sys, never through cat, $(...)
# of a function, or a pipeline where a builtin does.
if [ -z "$HAEDGE_LAB_FWDIR" ] || [ ! -r "$HAEDGE_LAB_FWDIR/fw.env" ]; then
    echo "${0##*/}: not inside a HaEdge lab firewall (HAEDGE_LAB_FWDIR unset)" >&2
    return 1 2>/dev/null || exit 1   # sourced into a shell: leave that shell running
fi
. "$HAEDGE_LAB_FWDIR/fw.env"
PATH=/usr/sbin:/usr/bin:/sbin:/bin
LAB_SHIMS=$LAB_STATE/shims/lab

# The advskew every VIP is configured with, in $advskew: 254 in persistent maintenance mode.
read_advskew() {
    advskew=$BASE_ADVSKEW
    if [ -e "$FWDIR/persist/maintenance" ]; then advskew=254; fi
}

# 0 when the process named in the pid file runs; its pid is left in $_pid.
pid_alive() { read -r _pid 2>/dev/null < "$1" && kill -0 "$_pid" 2>/dev/null; }

# conntrackd of this firewall runs: it holds its lock file from start to exit (only the VM's power-off, which
# also takes the firewall off the network, leaves it behind, and the next boot removes it).
conntrackd_alive() { [ -e "$FWDIR/conntrackd.lock" ]; }

# 0 when the interface has carrier and is up (ip's LOWER_UP). The kernel refuses to read carrier of a down
# interface, so a failed read means down too. /sys is the firewall namespace's own (ip netns exec mounts it).
link_up() { local carrier; read -r carrier 2>/dev/null < "/sys/class/net/$1/carrier" && [ "$carrier" = 1 ]; }
