#!/usr/bin/env bash
# A one-node Slurm on this machine, for the sweep tests and for trying `workbench sweep --engine slurm` by hand.
#
#   scripts/slurm-local.sh install      installs slurm-wlm and munge with apt if they are missing
#   scripts/slurm-local.sh up DIR       writes DIR/slurm.conf, starts munged (unless one answers), slurmctld and slurmd,
#                                       waits until the node is idle, prints `export SLURM_CONF=DIR/slurm.conf`
#   scripts/slurm-local.sh down DIR     stops the daemons `up DIR` started, by the PIDs it recorded in DIR
#
# No systemd and no cgroups: linuxproc process tracking, no task plugin, no accounting. State, logs and PIDs live
# under DIR; the ports are the first free pair from 6817/6818 on. Needs root (munged runs as user munge, slurmd as root).
set -euo pipefail

die() { echo "slurm-local: $*" >&2; exit 1; }

# Whether process $1 runs (a zombie, which only waits for init to reap it, does not).
alive() { [ -r /proc/"$1"/stat ] && [ "$(sed 's/^.*) //' /proc/"$1"/stat | cut -c1)" != Z ]; }

# munge's client retries for seconds when no daemon listens: look for a live munged first.
munge_ok() {
    [ -S /run/munge/munge.socket.2 ] && [ -s /run/munge/munged.pid ] && alive "$(cat /run/munge/munged.pid)" &&
        munge -n 2>/dev/null | unmunge >/dev/null 2>&1
}

port_free() { [ -z "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]; }

# Kills the process whose PID is in file $1 (TERM, then KILL after 2 s); quiet when it is already gone.
stop_pidfile() {
    local f=$1 pid
    [ -s "$f" ] || return 0
    pid=$(cat "$f")
    if alive "$pid"; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 40); do alive "$pid" || break; sleep 0.05; done
        alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
}

cmd=${1:-}
case "$cmd" in
install)
    missing=""
    for p in slurm-wlm munge; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
    if [ -n "$missing" ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
    fi
    ;;
up)
    dir=${2:?usage: slurm-local.sh up DIR}
    [ "$(id -u)" = 0 ] || die "needs root (munged runs as user munge, slurmd as root)"
    for b in munged slurmctld slurmd sinfo; do command -v "$b" >/dev/null || die "$b not found (scripts/slurm-local.sh install)"; done
    mkdir -p "$dir"/state "$dir"/spool "$dir"/log
    dir=$(cd "$dir" && pwd)
    # slurmstepd listens on DIR/spool/localhost_JOB.STEP (up to 35 bytes after DIR, with MaxJobId's 8 digits) and a Unix
    # socket's path is at most 107 bytes: beyond that every task fails to launch and Slurm holds it, silently.
    longest="$dir/spool/localhost_67043328.4294967291"
    [ "${#longest}" -le 107 ] || die "DIR is too long for slurmstepd's sockets: $longest would be ${#longest} bytes (at most 107); use a short folder, e.g. \$(mktemp -d /tmp/wbslurmXXXXXX)"

    # munge: one daemon per machine, on its standard socket; reuse one that answers, never stop it then.
    if ! munge_ok; then
        mkdir -p /run/munge /var/log/munge /var/lib/munge /etc/munge
        chown munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge
        chmod 0755 /run/munge
        if [ ! -s /etc/munge/munge.key ]; then
            dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=128 status=none
        fi
        chown munge:munge /etc/munge/munge.key
        chmod 0400 /etc/munge/munge.key
        # Daemons get no stdio of ours: a caller reading our output to its end must not wait for them.
        runuser -u munge -- munged --pid-file=/run/munge/munged.pid </dev/null >/dev/null 2>&1
        cp /run/munge/munged.pid "$dir"/munged.pid
        for _ in $(seq 50); do munge_ok && break; sleep 0.05; done
        munge_ok || die "munged does not answer (see /var/log/munge/munged.log)"
    fi

    ctld=6817
    while ! { port_free "$ctld" && port_free $((ctld + 1)); }; do
        ctld=$((ctld + 2))
        [ "$ctld" -lt 6900 ] || die "no free port pair in 6817...6900"
    done
    mem_mb=$(awk '/^MemAvailable:/ { print int($2 / 1024 / 2) }' /proc/meminfo)
    cat > "$dir"/slurm.conf <<EOF
ClusterName=workbench
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmctldPort=$ctld
SlurmdPort=$((ctld + 1))
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
MpiDefault=none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
    export SLURM_CONF="$dir"/slurm.conf
    slurmctld -c -f "$SLURM_CONF" </dev/null >>"$dir"/log/slurmctld.out 2>&1 || die "slurmctld did not start (see $dir/log/slurmctld.log)"
    slurmd -N localhost -f "$SLURM_CONF" </dev/null >>"$dir"/log/slurmd.out 2>&1 || { stop_pidfile "$dir"/slurmctld.pid; die "slurmd did not start (see $dir/log/slurmd.log)"; }
    for _ in $(seq 200); do
        [ "$(sinfo -h -n localhost -o %T 2>/dev/null)" = idle ] && { echo "export SLURM_CONF=$SLURM_CONF"; exit 0; }
        sleep 0.05
    done
    die "node localhost not idle after 10 s (see $dir/log)"
    ;;
down)
    dir=${2:?usage: slurm-local.sh down DIR}
    stop_pidfile "$dir"/slurmd.pid
    stop_pidfile "$dir"/slurmctld.pid
    stop_pidfile "$dir"/munged.pid
    ;;
*)
    echo "usage: slurm-local.sh install | up DIR | down DIR" >&2
    exit 2
    ;;
esac
