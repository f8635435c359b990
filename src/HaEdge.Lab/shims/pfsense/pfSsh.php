#!/bin/sh
# pfSense's developer shell in playback mode: enablecarpmaint / disablecarpmaint (persistent maintenance mode,
# advskew 254 on every VIP, kept across a restart of the firewall) and gatewaystatus [brief].
. "${0%/*}/../lab/common.sh"
[ "$1" = playback ] || { echo "Error: the lab firewall only supports 'pfSsh.php playback <name>'." >&2; exit 1; }

set_maintenance() { # on|off
    if [ "$1" = on ]; then : > "$FWDIR/persist/maintenance"; else rm -f "$FWDIR/persist/maintenance"; fi
    read_advskew
    priority=$((250 - (advskew < 240 ? advskew : 240)))   # FreeBSD clamps the effective skew at 240
    sed -i -E "s/^([[:space:]]*priority) [0-9]+/\1 $priority/" "$FWDIR/keepalived.conf"
    pid_alive "$FWDIR/keepalived.pid" && kill -HUP "$_pid"
    # The config write on a change and the XMLRPC sync it starts, which pfSense runs later from its event queue
    # (check_reload_status): in the background, as the playback returns before the sync ends.
    eval "$LAB_CMD carp-maintenance --mode $1 --firewall \"\$FW\" --state-dir \"\$LAB_STATE\" --profile \"\$LAB_PROFILE\"" \
        < /dev/null > /dev/null 2>&1 &
    return 0
}

case $2 in
    enablecarpmaint) set_maintenance on ;;
    disablecarpmaint) set_maintenance off ;;
    gatewaystatus)
        . "$LAB_SHIMS/gateways.sh"
        gateways_table "$3"
        ;;
    *) echo "Error: Invalid playback file specified."; exit 1 ;;
esac
