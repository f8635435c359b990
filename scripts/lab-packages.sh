#!/bin/sh
# Installs the Debian 12 packages the rehearsal lab (src/HaEdge.Lab) needs. Run as root; safe to run again.
set -eu
if [ "$(id -u)" -ne 0 ]; then
    echo "lab-packages.sh: run as root (apt-get install)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
# iproute2: ip/bridge; keepalived: VRRP (CARP stand-in); conntrackd/conntrack: state sync and the state table;
# openssh-server/-client: the firewalls' sshd and the tests' ssh; iptables/nftables: NAT, INVALID drop, MAC filter;
# socat/ncat: internet services; iputils-ping: gateway monitor and probes; ucarp: the alternative CARP daemon;
# procps: sysctl/pgrep; util-linux: setsid/flock; mawk: the gateway monitor's awk; curl: `ha-manager status` on the
# PVE nodes; chromium: the headless screenshot test of the failover HTML report, with fonts-dejavu-core so its
# text renders (without recommends no font comes along); prometheus: promtool checks and unit-tests the shipped
# alert rules (docs/monitoring) and the exported metrics, and the lab test runs a real Prometheus against HaEdge.
# (Its postinst starts the prometheus service, on :9090, only where an init system runs; in a container without
# one it starts nothing and the install succeeds.)
apt-get install -y --no-install-recommends \
    iproute2 keepalived conntrackd conntrack openssh-server openssh-client iptables nftables socat ncat \
    iputils-ping ucarp procps util-linux mawk curl chromium fonts-dejavu-core prometheus
