#!/usr/bin/env bash
# Start a real one-node SLURM cluster (with accounting) for the cluster tests.
#
#   sudo SLURM_TEST_DIR=/tmp/slurm-test tests/cluster/slurm_up.sh
#   . /tmp/slurm-test/env.sh       # exports SLURM_CONF (and SLURM_TEST_DIR)
#   tests/cluster/slurm_down.sh /tmp/slurm-test
#
# Needs root (apt, daemons that switch users) on a Debian/Ubuntu machine without a
# running SLURM. Every daemon's state, spool, pid and log files live in
# $SLURM_TEST_DIR (default: a fresh `mktemp -d`); munged and mariadbd are private
# instances (own socket / own port), so a system munge or MySQL does not interfere.
#
# Why accounting (slurmdbd + MariaDB): submitit polls `sacct`; without it a cancelled
# or killed job is never seen as finished and submitit waits forever.
#
# Where the client tools find the config: every SLURM command reads $SLURM_CONF if set,
# else /etc/slurm/slurm.conf. Processes that inherit our environment (pytest ->
# submitit -> sbatch/squeue/sacct, and srun inside the job, since sbatch exports the
# environment) get SLURM_CONF. As a fallback for shells and processes that do not,
# we also copy the config to /etc/slurm/slurm.conf, but only if that file is absent or
# was written by this script (a marker line says so); slurm_down.sh removes it again.
#
# Optional environment:
#   SLURM_TEST_DIR        scratch dir (must be traversable by the munge and mysql users)
#   SLURM_TEST_DB_PORT    TCP port of the private MariaDB (default 3307, 127.0.0.1 only)
#   SLURM_TEST_TIMEOUT    seconds to wait for each daemon (default 60)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MARKER="# written by slurm_up.sh for SLURM_TEST_DIR="
SYSTEM_CONF=/etc/slurm/slurm.conf
DB_PORT="${SLURM_TEST_DB_PORT:-3307}"
TIMEOUT="${SLURM_TEST_TIMEOUT:-60}"
CLUSTER=testcluster

log() { printf '[slurm_up %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# die with the tail of a log file, so a CI failure shows why a daemon did not start
die_with_log() {
    local msg="$1"; shift
    local f
    for f in "$@"; do
        if [[ -s "$f" ]]; then
            printf '\n----- last lines of %s -----\n' "$f" >&2
            tail -n 40 "$f" >&2
        fi
    done
    die "$msg"
}

# wait_for DESCRIPTION PIDFILE LOGFILE COMMAND...: run COMMAND until it succeeds; fail
# with the log tail when time is up, or at once if the daemon in PIDFILE has died
wait_for() {
    local what="$1" pidfile="$2" logfile="$3"; shift 3
    local deadline=$((SECONDS + TIMEOUT)) pid
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die_with_log "$what did not come up within ${TIMEOUT}s" "$logfile"
        if [[ -s "$pidfile" ]]; then
            pid="$(tr -dc '0-9' <"$pidfile")"
            kill -0 "$pid" 2>/dev/null || die_with_log "$what died while starting" "$logfile"
        fi
        sleep 0.5
    done
    log "$what: ready"
}

# port_free PORT: nothing accepts connections on 127.0.0.1:PORT
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_alive PIDFILE [NAME]: the pid file names a live process (whose comm is NAME)
pid_alive() {
    local pid
    [[ -s "$1" ]] || return 1
    pid="$(tr -dc '0-9' <"$1")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    [[ -z "${2:-}" ]] || [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$2" ]]
}

# the scratch dir of a cluster this script started that is still running, if any
live_dir_from_marker() {
    local d
    [[ -f "$SYSTEM_CONF" ]] || return 1
    d="$(sed -n "s|^${MARKER}||p" "$SYSTEM_CONF" | head -n 1)"
    [[ -n "$d" ]] && pid_alive "$d/run/slurmctld.pid" slurmctld && echo "$d"
}

[[ "$(uname -s)" == Linux ]] || die "SLURM test cluster needs Linux"
[[ "$(id -u)" == 0 ]] || die "run as root (e.g. sudo -E $0)"

# ---------------------------------------------------------------- scratch directory
LIVE_DIR="$(live_dir_from_marker || true)"
if [[ -z "${SLURM_TEST_DIR:-}" ]]; then
    # reuse the running test cluster instead of clashing with it on the SLURM ports
    SLURM_TEST_DIR="${LIVE_DIR:-$(mktemp -d -t slurm-test.XXXXXX)}"
fi
DIR="$(realpath -m "$SLURM_TEST_DIR")"
if [[ -n "$LIVE_DIR" && "$LIVE_DIR" != "$DIR" ]]; then
    die "another test cluster is running from $LIVE_DIR; stop it first: $HERE/slurm_down.sh $LIVE_DIR"
fi
mkdir -p "$DIR"

CONF="$DIR/slurm.conf"
ENV_FILE="$DIR/env.sh"

write_env() {
    printf 'export SLURM_CONF=%q\nexport SLURM_TEST_DIR=%q\n' "$CONF" "$DIR" >"$ENV_FILE"
    chmod 644 "$ENV_FILE"
    log "cluster '$CLUSTER' ready; scratch dir $DIR; use it with:"
    echo "export SLURM_CONF=$CONF"
}

# Idempotent: if this dir's cluster already answers, do nothing.
if [[ -f "$CONF" ]] && pid_alive "$DIR/run/slurmctld.pid" slurmctld \
    && pid_alive "$DIR/run/slurmd.pid" slurmd \
    && SLURM_CONF="$CONF" timeout 10 sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
    log "cluster from $DIR is already up; nothing to do"
    write_env
    exit 0
fi

# ---------------------------------------------------------------- packages
need=(slurmctld slurmd slurmdbd sbatch sacct sacctmgr munged mariadbd mariadb-install-db)
missing=()
for b in "${need[@]}"; do command -v "$b" >/dev/null || missing+=("$b"); done
if ((${#missing[@]})); then
    command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them"
    log "installing SLURM, munge and MariaDB from apt (missing: ${missing[*]})"
    # policy-rc.d = 101 keeps the packages from starting their system services
    # (on machines with an init system); we start private instances below.
    policy=/usr/sbin/policy-rc.d
    if [[ ! -e "$policy" ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy"
        trap 'rm -f "$policy"' EXIT
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends \
        slurmctld slurmd slurm-client munge slurmdbd mariadb-server >/dev/null
    for b in "${need[@]}"; do command -v "$b" >/dev/null || die "$b still missing after apt-get"; done
fi

# ---------------------------------------------------------------- layout
# $DIR must be traversable by the munge and mysql users that run those daemons.
chmod 755 "$DIR"
mkdir -p "$DIR"/{run,log,state,spool/slurmd,munge,mysql}
chown munge:munge "$DIR/munge"
chown mysql:mysql "$DIR/mysql"
chmod 755 "$DIR/munge" "$DIR/mysql"
for u in munge mysql; do
    runuser -u "$u" -- test -w "$DIR/$u" \
        || die "user $u cannot reach $DIR/$u; put SLURM_TEST_DIR under a world-traversable path such as /tmp"
done

MUNGE_SOCKET="$DIR/munge/munge.socket"
DB_SOCKET="$DIR/mysql/mysqld.sock"
DB_PASS_FILE="$DIR/db_password"
if [[ ! -s "$DB_PASS_FILE" ]]; then
    (umask 077 && head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$DB_PASS_FILE")
fi
DB_PASS="$(cat "$DB_PASS_FILE")"

HOST="$(hostname -s)"
NCPU="$(nproc)"
MEM_MB=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024))
REAL_MEM=$((MEM_MB > 2048 ? MEM_MB - 1024 : MEM_MB / 2))   # headroom for the OS

# ---------------------------------------------------------------- configs
# Notes on the non-obvious lines:
# - SlurmctldHost/NodeAddr use 127.0.0.1 so no DNS entry for the hostname is needed.
# - proctrack/linuxproc + task/none: no cgroups needed (containers, CI VMs).
# - DefMemPerCPU: without it every task asks for the whole node's memory and array
#   tasks run one at a time.
# - explicit Sockets/Cores/Threads: otherwise slurmd complains about the layout.
# - AccountingStoragePass: for the slurmdbd connection this names the munge socket
#   (AuthInfo only covers slurmctld/slurmd traffic).
# - KillWait=5: scancel'd jobs die quickly (default 30 s).
cat >"$CONF" <<EOF
${MARKER}${DIR}
ClusterName=$CLUSTER
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool/slurmd
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1024
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePass=$MUNGE_SOCKET
ReturnToService=2
KillWait=5
InactiveLimit=0
MailProg=/bin/true
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$NCPU Sockets=1 CoresPerSocket=$NCPU ThreadsPerCore=1 RealMemory=$REAL_MEM State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
chmod 644 "$CONF"

# slurmdbd reads slurmdbd.conf from the directory of $SLURM_CONF; it must be 600 and
# owned by SlurmUser (it holds the DB password).
(umask 077 && cat >"$DIR/slurmdbd.conf" <<EOF
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
DbdHost=localhost
SlurmUser=root
PidFile=$DIR/run/slurmdbd.pid
LogFile=$DIR/log/slurmdbd.log
DebugLevel=info
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DB_PORT
StorageUser=slurm
StoragePass=$DB_PASS
StorageLoc=slurm_acct_db
EOF
)
chmod 600 "$DIR/slurmdbd.conf"

export SLURM_CONF="$CONF"

# Fallback config for processes that do not inherit SLURM_CONF (see header).
if [[ ! -e "$SYSTEM_CONF" ]] || grep -q "^${MARKER}" "$SYSTEM_CONF"; then
    mkdir -p "$(dirname "$SYSTEM_CONF")"
    cp "$CONF" "$SYSTEM_CONF"
else
    log "WARNING: $SYSTEM_CONF exists and is not ours; left alone, so set SLURM_CONF=$CONF"
fi

# start_daemon NAME PIDFILE PORT COMMAND...: start a daemon unless it already runs
# (PORT "" = no port check). setsid and stdio on a log file: the caller (e.g. pytest's
# subprocess.run capturing output) must not wait for the daemons to close its pipes.
# COMMAND daemonizes itself, except mariadbd, which is put in the background here.
start_daemon() {
    local name="$1" pidfile="$2" port="$3"
    shift 3
    if pid_alive "$pidfile" "$name"; then
        log "$name already running"
        return 0
    fi
    if [[ -n "$port" ]] && ! port_free "$port"; then
        die "port $port is taken (another SLURM or MySQL on this machine?); $name cannot start"
    fi
    rm -f "$pidfile"   # a stale pid file would look like a crashed daemon to wait_for
    if [[ "$name" == mariadbd ]]; then
        setsid "$@" </dev/null >>"$DIR/log/$name.out" 2>&1 &
    else
        setsid "$@" </dev/null >>"$DIR/log/$name.out" 2>&1 \
            || die_with_log "$name failed to start" "$DIR/log/$name.out"
    fi
}

# ---------------------------------------------------------------- 1. munged
# A private munged on its own socket (AuthInfo and AccountingStoragePass point at it).
if [[ ! -s /etc/munge/munge.key ]]; then
    log "creating /etc/munge/munge.key"
    (umask 077 && dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none)
    chown munge:munge /etc/munge/munge.key
fi
MUNGE_PID="$DIR/munge/munged.pid"
if ! pid_alive "$MUNGE_PID" munged; then
    rm -f "$MUNGE_SOCKET" "$MUNGE_SOCKET.lock"   # leftovers of a killed munged
fi
start_daemon munged "$MUNGE_PID" "" runuser -u munge -- munged \
    --socket="$MUNGE_SOCKET" --pid-file="$MUNGE_PID" \
    --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/munged.seed"
munge_ok() { munge -n --socket="$MUNGE_SOCKET" | unmunge --socket="$MUNGE_SOCKET"; }
wait_for munged "$MUNGE_PID" "$DIR/munge/munged.log" munge_ok

# ---------------------------------------------------------------- 2. mariadbd
# A private MariaDB: own data dir and socket, TCP on 127.0.0.1:$DB_PORT only;
# --no-defaults ignores the system my.cnf.
DB_PID="$DIR/mysql/mariadbd.pid"
DB_LOG="$DIR/mysql/mariadbd.log"
if [[ ! -d "$DIR/mysql/data/mysql" ]]; then
    log "initialising a private MariaDB data dir"
    mariadb-install-db --no-defaults --user=mysql --datadir="$DIR/mysql/data" \
        --auth-root-authentication-method=socket --skip-test-db \
        >"$DIR/log/mariadb-install-db.log" 2>&1 \
        || die_with_log "mariadb-install-db failed" "$DIR/log/mariadb-install-db.log"
fi
start_daemon mariadbd "$DB_PID" "$DB_PORT" mariadbd --no-defaults --user=mysql \
    --datadir="$DIR/mysql/data" --socket="$DB_SOCKET" --port="$DB_PORT" \
    --bind-address=127.0.0.1 --pid-file="$DB_PID" --log-error="$DB_LOG" \
    --innodb-lock-wait-timeout=900
db() { mariadb --no-defaults --socket="$DB_SOCKET" -uroot "$@"; }
wait_for mariadbd "$DB_PID" "$DB_LOG" db -e 'select 1'
# The storage user (both host spellings: TCP from 127.0.0.1 may map to either).
db --batch <<EOF
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
ALTER USER 'slurm'@'localhost' IDENTIFIED BY '$DB_PASS';
ALTER USER 'slurm'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
FLUSH PRIVILEGES;
EOF

# ---------------------------------------------------------------- 3. slurmdbd
# (6817-6819 are SLURM's default slurmctld/slurmd/slurmdbd ports)
start_daemon slurmdbd "$DIR/run/slurmdbd.pid" 6819 slurmdbd
wait_for slurmdbd "$DIR/run/slurmdbd.pid" "$DIR/log/slurmdbd.log" sacctmgr -n list cluster

# ---------------------------------------------------------------- 4. slurmctld, slurmd
start_daemon slurmctld "$DIR/run/slurmctld.pid" 6817 slurmctld -f "$CONF"
wait_for slurmctld "$DIR/run/slurmctld.pid" "$DIR/log/slurmctld.log" scontrol ping
# slurmctld registers the cluster in the accounting DB itself
cluster_registered() { sacctmgr -n -P list cluster format=cluster | grep -qx "$CLUSTER"; }
wait_for "cluster registration" "$DIR/run/slurmctld.pid" "$DIR/log/slurmctld.log" \
    cluster_registered

start_daemon slurmd "$DIR/run/slurmd.pid" 6818 slurmd -f "$CONF"
node_idle() { sinfo -h -o %t | grep -qE '^(idle|mix|alloc)$'; }
wait_for "slurmd (node idle)" "$DIR/run/slurmd.pid" "$DIR/log/slurmd.log" node_idle

write_env
