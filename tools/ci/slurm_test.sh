#!/bin/bash
# Runs tools/ci/slurm_zoo_audit.sh on a real Slurm: a throw-away single-node
# cluster on this machine (munged, slurmctld, slurmd, all as root, all state
# in a private temp directory), the recipe as a 4-task job array over
# TESTDATA, then the README's merge
#
#   cat shard-*.jsonl | LC_ALL=C sort
#
# must be byte for byte the rows of one process over the same directory with
# the recipe's flags (onnx-flops TESTDATA --format jsonl --no-progress --jobs 1).
#
#   tools/ci/slurm_test.sh ONNX_FLOPS TESTDATA
#
# Exit status: 0 pass, 1 fail, 77 (ctest's "skipped") when Slurm cannot be
# had: not root, the packages are missing and apt-get cannot install them
# (as root it installs slurmctld slurmd slurm-client munge), or the daemons
# do not come up in time. Every process it started is stopped on exit
# (the job, slurmd and its slurmstepds, slurmctld, munged) and the temp
# directory removed. Testdata holds broken models, so tasks exit 2 and Slurm
# marks them FAILED: expected; the rows are what is compared.
set -u
if [ $# -ne 2 ]; then
  echo "usage: $0 ONNX_FLOPS TESTDATA" >&2
  exit 2
fi
skip() { echo "SKIP: $*"; exit 77; }
abs() { (cd "$(dirname "$1")" && echo "$(pwd -P)/$(basename "$1")"); }
bin=$(abs "$1") || exit 2
zoo=$(cd "$2" && pwd -P) || exit 2
recipe=$(abs "$(dirname "$0")/slurm_zoo_audit.sh") || exit 2
[ -x "$bin" ] || { echo "FAIL: $bin is not an executable"; exit 1; }
start=$SECONDS
# Run inside a Slurm job (or with SLURM_CONF set), the outer cluster's
# variables would steer the clients and leak into the test's job.
for v in $(compgen -e | grep -E '^(SLURM|SBATCH|SALLOC|SRUN|SQUEUE|SINFO|SCONTROL)_'); do unset "$v"; done

[ "$(id -u)" = 0 ] || skip "not root (the single-node cluster's daemons run as root)"

# ---- packages ----------------------------------------------------------------
tools="munged munge unmunge slurmctld slurmd sbatch sinfo squeue scancel scontrol"
missing() { for t in $tools; do command -v "$t" > /dev/null 2>&1 || return 0; done; return 1; }
if missing; then
  command -v apt-get > /dev/null 2>&1 || skip "no Slurm/munge and no apt-get to install them"
  # Keep the packages' init scripts from starting a system munged/slurmd
  # that nobody would stop (the usual policy-rc.d of Debian containers).
  made_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
  fi
  echo "installing slurmctld slurmd slurm-client munge (apt-get)"
  { timeout 300 apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq --no-install-recommends \
      slurmctld slurmd slurm-client munge; } > /dev/null 2>&1
  apt_status=$?
  [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
  [ "$apt_status" = 0 ] || skip "apt-get could not install slurmctld slurmd slurm-client munge (exit $apt_status)"
  missing && skip "Slurm/munge installed but a command is still missing (one of: $tools)"
  echo "installed in $((SECONDS - start)) s"
fi
cluster_start=$SECONDS

# ---- the private cluster -----------------------------------------------------
tmp=$(mktemp -d /tmp/onnx-flops-slurm.XXXXXX) || exit 1
# munged wants its socket's directories searchable by everyone (0711, 0755);
# the key itself is 0600.
chmod 711 "$tmp"
conf=$tmp/slurm.conf
# Every daemon gets this variable in its environment; slurmd hands it to its
# slurmstepds and sbatch to the job's processes, so the cleanup finds all
# that this run started (and nothing else) in /proc/*/environ.
marker="ONNX_FLOPS_SLURM_TEST=$tmp"
jobid=
munged_pid= ctld_pid= slurmd_pid=

stop_pid() {  # stop_pid PID: TERM, up to 10 s, then KILL
  [ -n "$1" ] || return 0
  kill "$1" 2> /dev/null || return 0
  for _ in $(seq 50); do kill -0 "$1" 2> /dev/null || return 0; sleep 0.2; done
  kill -9 "$1" 2> /dev/null
}
ours() {  # the pids whose environment holds $marker
  for e in /proc/[0-9]*/environ; do
    p=${e#/proc/}; p=${p%/environ}
    [ "$p" = $$ ] && continue
    tr '\0' '\n' 2> /dev/null < "$e" | grep -qxF "$marker" && echo "$p"
  done
}
cleanup() {
  trap - EXIT INT TERM HUP
  if [ -n "$jobid" ] && [ -n "$ctld_pid" ] && kill -0 "$ctld_pid" 2> /dev/null; then
    SLURM_CONF=$conf scancel "$jobid" 2> /dev/null
    for _ in $(seq 30); do
      [ -z "$(SLURM_CONF=$conf squeue -h -j "$jobid" 2> /dev/null)" ] && break
      sleep 0.5
    done
  fi
  stop_pid "$slurmd_pid"
  stop_pid "$ctld_pid"
  stop_pid "$munged_pid"
  for f in slurmd.pid slurmctld.pid munged.pid; do
    [ -s "$tmp/$f" ] && stop_pid "$(cat "$tmp/$f")"
  done
  left=$(ours)
  if [ -n "$left" ]; then
    echo "cleanup: killing leftover processes $(echo $left)"
    kill -9 $left 2> /dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The last error line of a daemon's log file or of its stderr.
log_tail() { cat "$@" 2> /dev/null | grep -iE 'error|fatal' | tail -1; }
# "did not come up within N s" or "exited", for the skip line
why() { kill -0 "$1" 2> /dev/null && echo "did not come up within $2 s" || echo "exited"; }

# munged: its own key, socket, pid, seed and log, in the foreground so $! is it.
mkdir -m 755 "$tmp/munge" || exit 1
if command -v mungekey > /dev/null 2>&1; then
  mungekey --create --keyfile="$tmp/munge/munge.key" 2> /dev/null
else
  dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 2> /dev/null
fi
chmod 600 "$tmp/munge/munge.key"
socket=$tmp/munge/munge.socket
env "$marker" munged --foreground --key-file="$tmp/munge/munge.key" --socket="$socket" \
  --pid-file="$tmp/munged.pid" --seed-file="$tmp/munge/munge.seed" \
  > "$tmp/munged.log" 2>&1 &  # in the foreground it logs to stderr
munged_pid=$!
up=
for _ in $(seq 50); do
  munge -n -S "$socket" 2> /dev/null | unmunge -S "$socket" > /dev/null 2>&1 && { up=1; break; }
  kill -0 "$munged_pid" 2> /dev/null || break
  sleep 0.2
done
[ -n "$up" ] || skip "munged $(why "$munged_pid" 10): $(tail -1 "$tmp/munged.log" 2> /dev/null)"

# slurm.conf: this host's real CPUs and memory (slurmd -C), ports not in use.
node=$(hostname -s 2> /dev/null)
[ -n "$node" ] || node=localhost
hw=$(slurmd -C 2> /dev/null | head -1 | sed 's/^NodeName=[^ ]* //')
case $hw in *CPUs=*RealMemory=*) ;; *) skip "slurmd -C did not describe this machine: '$hw'" ;; esac
real_mem=$(echo "$hw" | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
mem=256
[ "$real_mem" -ge 1024 ] 2> /dev/null || mem=$((real_mem / 4))
[ "$mem" -ge 16 ] || skip "slurmd -C reports $real_mem MB of memory"
in_use() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
port=
for p in 16817 26817 36817 46817; do
  if ! in_use "$p" && ! in_use $((p + 1)); then port=$p; break; fi
done
[ -n "$port" ] || skip "no free port pair for slurmctld/slurmd"
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/audit" || exit 1
cat > "$conf" <<EOF
ClusterName=onnxflopstest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 $hw State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$conf

env "$marker" slurmctld -D -c -f "$conf" > "$tmp/slurmctld.out" 2>&1 &
ctld_pid=$!
up=
for _ in $(seq 60); do
  scontrol ping 2> /dev/null | grep -q 'is UP' && { up=1; break; }
  kill -0 "$ctld_pid" 2> /dev/null || break
  sleep 0.5
done
[ -n "$up" ] || skip "slurmctld $(why "$ctld_pid" 30): $(log_tail "$tmp/slurmctld.log" "$tmp/slurmctld.out")"

env "$marker" slurmd -D -N "$node" -f "$conf" > "$tmp/slurmd.out" 2>&1 &
slurmd_pid=$!
state=
for _ in $(seq 120); do
  state=$(sinfo -h -n "$node" -o %T 2> /dev/null)
  [ "$state" = idle ] && break
  kill -0 "$slurmd_pid" 2> /dev/null || break
  sleep 0.5
done
[ "$state" = idle ] || skip "slurmd $(why "$slurmd_pid" 60) (node $node '$state'):" \
  "$(log_tail "$tmp/slurmd.log" "$tmp/slurmd.out")"
echo "cluster up in $((SECONDS - cluster_start)) s: node $node ($hw), partition test"

# ---- the recipe, as a 4-task job array --------------------------------------
jobid=$(env "$marker" ONNX_FLOPS="$bin" sbatch --parsable --array=0-3 --cpus-per-task=1 \
  --mem="${mem}M" --time=00:10:00 --chdir="$tmp" --output="$tmp/job-%A_%a.out" \
  "$recipe" "$zoo" "$tmp/audit" 2> "$tmp/sbatch.err")
jobid=${jobid%%;*}
[ -n "$jobid" ] || { echo "FAIL: sbatch refused the job: $(cat "$tmp/sbatch.err")"; exit 1; }
done_=
for _ in $(seq 240); do   # 120 s
  q=$(squeue -h -j "$jobid" -o %T 2> "$tmp/squeue.err")
  q_status=$?
  if [ -z "$q" ] && { [ "$q_status" = 0 ] || grep -q 'Invalid job id' "$tmp/squeue.err"; }; then
    done_=1; break
  fi
  sleep 0.5
done
[ -n "$done_" ] || { echo "FAIL: job array $jobid not finished within 120 s ($(echo $q))"; exit 1; }
# Task states and exit codes (no accounting: scontrol keeps them for MinJobAge).
tasks=$(scontrol -o show job "$jobid" 2> /dev/null |
  sed -n 's/.*ArrayTaskId=\([0-9]*\) .*JobState=\([A-Z_]*\) .*ExitCode=\([0-9:]*\).*/\1:\2(\3)/p' |
  sort -n | tr '\n' ' ' | sed 's/ $//')
echo "job array $jobid finished: tasks ${tasks:-?}"

# ---- the merge against one process ------------------------------------------
"$bin" "$zoo" --format jsonl --no-progress --jobs 1 > "$tmp/single.jsonl" 2> "$tmp/single.log"
single_status=$?
shards=$(ls "$tmp/audit"/shard-*.jsonl 2> /dev/null | wc -l)
cat "$tmp/audit"/shard-*.jsonl 2> /dev/null | LC_ALL=C sort > "$tmp/merged.jsonl"
rows=$(wc -l < "$tmp/single.jsonl")
merged_rows=$(wc -l < "$tmp/merged.jsonl")
per_shard=$(echo $(for i in 0 1 2 3; do
  [ -f "$tmp/audit/shard-$i.jsonl" ] && wc -l < "$tmp/audit/shard-$i.jsonl" || echo -; done))
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
[ "$shards" = 4 ] || fail "$shards shard files, wanted 4"
[ "$rows" -gt 0 ] || fail "the single run wrote no rows (exit $single_status): $(tail -1 "$tmp/single.log")"
# The README: the merge == `onnx-flops ZOO --format jsonl` as it comes, i.e.
# one run's rows are already in byte order. Compared as is, not re-sorted.
if ! cmp -s "$tmp/merged.jsonl" "$tmp/single.jsonl"; then
  if LC_ALL=C sort "$tmp/single.jsonl" | cmp -s - "$tmp/merged.jsonl"; then
    fail "the shards hold the single run's rows, but the single run's rows are not in byte order"
  else
    fail "merged shards ($merged_rows rows) differ from the single run ($rows rows)"
  fi
  diff <(cut -c1-200 "$tmp/single.jsonl") <(cut -c1-200 "$tmp/merged.jsonl") | head -10
  for i in 0 1 2 3; do
    [ -s "$tmp/audit/shard-$i.log" ] && head -1 "$tmp/audit/shard-$i.log" | sed "s/^/shard-$i.log: /"
    [ -s "$tmp/job-${jobid}_$i.out" ] && sed "s/^/job-$i.out: /" "$tmp/job-${jobid}_$i.out" | tail -3
  done
fi
elapsed="$((SECONDS - cluster_start)) s"
[ "$cluster_start" -gt "$start" ] && elapsed="$elapsed, +$((cluster_start - start)) s install"
if [ "$failures" = 0 ]; then
  echo "PASS: slurm_zoo_audit: cat 4 shards | LC_ALL=C sort == single run, $rows rows byte-identical (shards: $per_shard rows; $elapsed)"
  exit 0
fi
echo "FAIL: slurm_zoo_audit: $failures check(s) failed; $shards shards (rows $per_shard), merged $merged_rows rows, single run $rows rows ($elapsed)"
exit 1
