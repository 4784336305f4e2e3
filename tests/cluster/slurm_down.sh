#!/usr/bin/env bash
# Stop the test cluster started by slurm_up.sh.
#
#   sudo tests/cluster/slurm_down.sh [--purge] [SLURM_TEST_DIR]
#
# The scratch dir comes from the argument, else $SLURM_TEST_DIR, else the dir of
# $SLURM_CONF, else the marker line slurm_up.sh left in /etc/slurm/slurm.conf.
# Only the processes named in that dir's pid files are stopped (and only if the PID
# still belongs to the expected program), never anything matched by name.
# --purge also deletes the scratch dir (logs included).
set -euo pipefail

MARKER="# written by slurm_up.sh for SLURM_TEST_DIR="
SYSTEM_CONF=/etc/slurm/slurm.conf
WAIT="${SLURM_TEST_TIMEOUT:-30}"

log() { printf '[slurm_down %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

PURGE=0
if [[ "${1:-}" == --purge ]]; then PURGE=1; shift; fi

DIR="${1:-${SLURM_TEST_DIR:-}}"
if [[ -z "$DIR" && -n "${SLURM_CONF:-}" ]]; then DIR="$(dirname "$SLURM_CONF")"; fi
if [[ -z "$DIR" && -f "$SYSTEM_CONF" ]]; then
    DIR="$(sed -n "s|^${MARKER}||p" "$SYSTEM_CONF" | head -n 1)"
fi
[[ -n "$DIR" ]] || die "which cluster? pass its SLURM_TEST_DIR"
[[ -f "$DIR/slurm.conf" ]] || die "$DIR/slurm.conf not found: not a slurm_up.sh dir"
[[ "$(id -u)" == 0 ]] || die "run as root (e.g. sudo -E $0)"
DIR="$(cd "$DIR" && pwd -P)"
export SLURM_CONF="$DIR/slurm.conf"

# pid_of PIDFILE NAME: print the PID if it is alive and its program is NAME
pid_of() {
    local pid
    [[ -s "$1" ]] || return 1
    pid="$(tr -dc '0-9' <"$1")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$2" ]] || return 1
    echo "$pid"
}

# wait_gone PID NAME: wait for the process to exit; SIGKILL it after $WAIT seconds
wait_gone() {
    local pid="$1" name="$2" deadline=$((SECONDS + WAIT))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            log "$name ($pid) still alive after ${WAIT}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
            return 0
        fi
        sleep 0.2
    done
    log "$name stopped"
}

# stop PIDFILE NAME: SIGTERM the daemon and wait for it
stop() {
    local pid
    if pid="$(pid_of "$1" "$2")"; then
        kill -TERM "$pid" 2>/dev/null || true
        wait_gone "$pid" "$2"
    else
        log "$2 not running"
    fi
}

# slurmctld + slurmd: `scontrol shutdown` stops both cleanly (saves state).
ctld="$(pid_of "$DIR/run/slurmctld.pid" slurmctld || true)"
slurmd_pid="$(pid_of "$DIR/run/slurmd.pid" slurmd || true)"
if [[ -n "$ctld" ]]; then
    # Cancel all jobs first: slurmstepd and the job's processes outlive slurmd.
    if [[ -n "$(timeout 10 squeue -h -o %A 2>/dev/null)" ]]; then
        log "cancelling remaining jobs"
        timeout 10 scancel --partition=debug || true
        deadline=$((SECONDS + WAIT))
        while [[ -n "$(timeout 10 squeue -h -o %A 2>/dev/null)" ]] && ((SECONDS < deadline)); do
            sleep 0.5
        done
    fi
    timeout 20 scontrol shutdown || log "scontrol shutdown failed; falling back to signals"
fi
if [[ -n "$ctld" ]]; then wait_gone "$ctld" slurmctld; else log "slurmctld not running"; fi
if [[ -n "$slurmd_pid" ]]; then
    # `scontrol shutdown` stops slurmd too; give it 5 s, then SIGTERM it ourselves
    for _ in {1..10}; do kill -0 "$slurmd_pid" 2>/dev/null || break; sleep 0.5; done
    kill -TERM "$slurmd_pid" 2>/dev/null || true
    wait_gone "$slurmd_pid" slurmd
else
    log "slurmd not running"
fi

# Then the services they used, in reverse start order.
stop "$DIR/run/slurmdbd.pid" slurmdbd
stop "$DIR/mysql/mariadbd.pid" mariadbd
stop "$DIR/munge/munged.pid" munged

# Remove the fallback system config if it is ours and points at this dir.
if [[ -f "$SYSTEM_CONF" ]] && grep -qx "${MARKER}${DIR}" "$SYSTEM_CONF"; then
    rm -f "$SYSTEM_CONF"
fi

if ((PURGE)); then
    rm -rf -- "$DIR"
    log "removed $DIR"
fi
log "cluster from $DIR is down"
